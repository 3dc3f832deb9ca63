-- The reporting round as a workflow: a person's language (for their mail), an organisation's
-- reminder schedule (days before the deadline; NULL: no scheduled reminders), comments on a
-- measure in a round, the reminders sent (each step once per person and round, so a restart does
-- not send again) and personal calendar feeds (the token's SHA-256, never the token).
-- Comments and feeds raise the data revision (pages show them); reminders sent do not.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'nb';
ALTER TABLE organisations ADD COLUMN remind_days_before INTEGER DEFAULT 7;

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES reporting_rounds (id) ON DELETE CASCADE,
    measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    from_secretariat INTEGER NOT NULL CHECK (from_secretariat IN (0, 1)),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX comments_measure ON comments (measure_id, round_id);

CREATE TABLE reminders_sent (
    round_id INTEGER NOT NULL REFERENCES reporting_rounds (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    step TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (round_id, email, step)
);

CREATE TABLE calendar_feeds (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id, organisation_id);
CREATE TRIGGER comments_insert_revision AFTER INSERT ON comments BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER comments_update_revision AFTER UPDATE ON comments BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER comments_delete_revision AFTER DELETE ON comments BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_feeds_insert_revision AFTER INSERT ON calendar_feeds BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_feeds_update_revision AFTER UPDATE ON calendar_feeds BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_feeds_delete_revision AFTER DELETE ON calendar_feeds BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
