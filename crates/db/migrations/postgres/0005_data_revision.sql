-- The data revision: one number that every committed change to the data raises, whichever process
-- made it (the server, or the CLI beside it). The web app keys its rendered pages on it, so a
-- cached page is never served after a change. Sessions are not data and do not count.
CREATE TABLE data_revision (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
INSERT INTO data_revision (id, n) VALUES (1, 0);
CREATE FUNCTION bump_data_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_revision SET n = n + 1 WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER organisations_revision AFTER INSERT OR UPDATE OR DELETE ON organisations FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER status_kinds_revision AFTER INSERT OR UPDATE OR DELETE ON status_kinds FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER working_groups_revision AFTER INSERT OR UPDATE OR DELETE ON working_groups FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER partners_revision AFTER INSERT OR UPDATE OR DELETE ON partners FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER programmes_revision AFTER INSERT OR UPDATE OR DELETE ON programmes FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER sections_revision AFTER INSERT OR UPDATE OR DELETE ON sections FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER areas_revision AFTER INSERT OR UPDATE OR DELETE ON areas FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER measures_revision AFTER INSERT OR UPDATE OR DELETE ON measures FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER reporting_rounds_revision AFTER INSERT OR UPDATE OR DELETE ON reporting_rounds FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER status_entries_revision AFTER INSERT OR UPDATE OR DELETE ON status_entries FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER projects_revision AFTER INSERT OR UPDATE OR DELETE ON projects FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER events_revision AFTER INSERT OR UPDATE OR DELETE ON events FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER board_decisions_revision AFTER INSERT OR UPDATE OR DELETE ON board_decisions FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER project_partners_revision AFTER INSERT OR UPDATE OR DELETE ON project_partners FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER measure_links_revision AFTER INSERT OR UPDATE OR DELETE ON measure_links FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER measure_predecessors_revision AFTER INSERT OR UPDATE OR DELETE ON measure_predecessors FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER users_revision AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER memberships_revision AFTER INSERT OR UPDATE OR DELETE ON memberships FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
CREATE TRIGGER group_members_revision AFTER INSERT OR UPDATE OR DELETE ON group_members FOR EACH STATEMENT EXECUTE FUNCTION bump_data_revision();
