-- Ending a session (logout, a new password, a disabled account) raises the data revision, so a
-- server that keeps sessions in memory (valid for one revision) forgets it at once, as do other
-- servers through their listener. Starting one does not: a new token is in nobody's memory.
CREATE TRIGGER sessions_delete_revision AFTER DELETE ON sessions BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
