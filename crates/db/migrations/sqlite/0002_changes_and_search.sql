-- Every change kept (who, when, what, before → after), and the full-text index of measures.

CREATE TABLE change_log (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    programme_id INTEGER REFERENCES programmes (id) ON DELETE CASCADE,
    round_id INTEGER REFERENCES reporting_rounds (id) ON DELETE SET NULL,
    measure_number INTEGER,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX change_log_programme ON change_log (programme_id, id);

-- One row per measure: its title and its description in the latest round, kept by the app.
CREATE VIRTUAL TABLE measure_search USING fts5 (
    measure_id UNINDEXED,
    title,
    description,
    tokenize = 'unicode61'
);
