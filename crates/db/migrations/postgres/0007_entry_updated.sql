-- Whether an entry was saved in its round (by a person or an import) rather than carried forward
-- when the round opened: the round's progress counts these. Existing entries keep the earlier
-- rule (a version above 1 was a save in the round).
ALTER TABLE status_entries ADD COLUMN updated INTEGER NOT NULL DEFAULT 1;
UPDATE status_entries SET updated = CASE WHEN version > 1 THEN 1 ELSE 0 END;
