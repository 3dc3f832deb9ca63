-- What measures mention, as data: events, projects, partners and board decisions in one table
-- (the parts a kind does not use stay empty; core's `EntityKind::has` says which), linked to any
-- number of measures; a project's partners; suggestions found in measures' texts, waiting for a
-- person; and the annual report's texts per section and area, saved as a draft. The separate,
-- unused tables of the first schema give way; the board decisions recorded at adoption move over.
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('event', 'project', 'partner', 'decision')),
    title TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    place TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    funding TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    public INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
    -- The programme a decision adopted.
    programme_id INTEGER REFERENCES programmes (id) ON DELETE SET NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX entities_organisation ON entities (organisation_id, kind, starts_on);

CREATE TABLE entity_links (
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    PRIMARY KEY (entity_id, measure_id)
);
CREATE INDEX entity_links_measure ON entity_links (measure_id);

CREATE TABLE entity_partners (
    project_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    partner_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    lead INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1)),
    PRIMARY KEY (project_id, partner_id)
);

CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY,
    measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('event', 'project', 'partner', 'decision')),
    title TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    quote TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'dismissed')),
    entity_id INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (measure_id, key)
);

CREATE TABLE annual_texts (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    heading TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (programme_id, heading)
);

INSERT INTO entities (organisation_id, kind, title, starts_on, category, reference, text, programme_id, updated_at)
SELECT organisation_id, 'decision', reference, decided_on, 'board', reference, text, programme_id, decided_on
FROM board_decisions;

DROP TABLE measure_links;
DROP TABLE project_partners;
DROP TABLE board_decisions;
DROP TABLE events;
DROP TABLE projects;
DROP TABLE partners;

CREATE TRIGGER entities_insert_revision AFTER INSERT ON entities BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER entities_update_revision AFTER UPDATE ON entities BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER entities_delete_revision AFTER DELETE ON entities BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER entity_links_insert_revision AFTER INSERT ON entity_links BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER entity_links_delete_revision AFTER DELETE ON entity_links BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER entity_partners_insert_revision AFTER INSERT ON entity_partners BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER entity_partners_delete_revision AFTER DELETE ON entity_partners BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER suggestions_insert_revision AFTER INSERT ON suggestions BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER suggestions_update_revision AFTER UPDATE ON suggestions BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER suggestions_delete_revision AFTER DELETE ON suggestions BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER annual_texts_insert_revision AFTER INSERT ON annual_texts BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER annual_texts_update_revision AFTER UPDATE ON annual_texts BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER annual_texts_delete_revision AFTER DELETE ON annual_texts BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
