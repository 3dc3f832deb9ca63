-- Personal API tokens for integrations: scoped to one organisation and a role no higher than the
-- person's there (the lower of the two counts at each use), stored as the token's SHA-256, never
-- the token. Creating and revoking one raises the data revision (the account page lists them);
-- noting when a token was last used does not.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE TRIGGER api_tokens_insert_revision AFTER INSERT ON api_tokens BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER api_tokens_revoke_revision AFTER UPDATE OF revoked_at ON api_tokens BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER api_tokens_delete_revision AFTER DELETE ON api_tokens BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
