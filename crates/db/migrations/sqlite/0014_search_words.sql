-- The search index holds each word as "o<organisation>x<word>" (made by the app, tiltak_core::search),
-- so a prefix search walks one organisation's words instead of the whole country's; the title and
-- description are kept beside them, not indexed, for the marks the app sets. The app refills the
-- index when it finds it empty (the first start after this migration).
DROP TABLE measure_search;
CREATE VIRTUAL TABLE measure_search USING fts5 (
    title UNINDEXED,
    description UNINDEXED,
    title_words,
    text_words,
    tokenize = 'unicode61 remove_diacritics 0'
);
