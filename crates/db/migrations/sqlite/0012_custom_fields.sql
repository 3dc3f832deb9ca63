-- An organisation's own fields (the columns of its tables Tiltak has no place for: Ansvarlig,
-- Due date, a RAG rating), their values per status entry as a JSON object by field name, and the
-- import profiles: a confirmed mapping of a table's columns and statuses, offered for the next
-- file with the same headings. Changing a field or a profile raises the data revision.
ALTER TABLE status_entries ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';

CREATE TABLE custom_fields (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'date', 'percent', 'choice')),
    choices TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    in_report INTEGER NOT NULL DEFAULT 0 CHECK (in_report IN (0, 1)),
    UNIQUE (organisation_id, name)
);
CREATE TRIGGER custom_fields_insert_revision AFTER INSERT ON custom_fields BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER custom_fields_update_revision AFTER UPDATE ON custom_fields BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER custom_fields_delete_revision AFTER DELETE ON custom_fields BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;

CREATE TABLE import_profiles (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    headings TEXT NOT NULL,
    columns TEXT NOT NULL,
    statuses TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (organisation_id, headings)
);
CREATE TRIGGER import_profiles_insert_revision AFTER INSERT ON import_profiles BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER import_profiles_update_revision AFTER UPDATE ON import_profiles BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER import_profiles_delete_revision AFTER DELETE ON import_profiles BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
