-- The search index keyed by the measure (its rowid is the measure's id, so a programme's rows are
-- found without scanning the index) and with the organisation as a searchable scope token
-- ("o<id>"), so a search reads one organisation's part of the index instead of every match in the
-- country. Refilled from the same rule as the app's refresh: titles, and descriptions of the latest
-- public round.
DROP TABLE measure_search;
CREATE VIRTUAL TABLE measure_search USING fts5 (title, description, scope, tokenize = 'unicode61');
INSERT INTO measure_search (rowid, title, description, scope)
SELECT m.id, m.title, COALESCE(e.description, ''), 'o' || p.organisation_id
FROM measures m JOIN programmes p ON p.id = m.programme_id
LEFT JOIN status_entries e ON e.measure_id = m.id AND e.round_id = (
    SELECT r.id FROM reporting_rounds r WHERE r.programme_id = m.programme_id AND r.public = 1
    ORDER BY CASE WHEN r.date IS NULL THEN 1 ELSE 0 END DESC, r.date DESC, r.id DESC LIMIT 1);
