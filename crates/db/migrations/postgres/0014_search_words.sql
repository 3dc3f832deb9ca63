-- The search index holds each word as "o<organisation>x<word>" (made by the app, tiltak_core::search),
-- so a prefix search reads one organisation's words from the GIN index instead of the whole
-- country's, and both databases find the same; the app sets the marks in the title and
-- description. The app refills the index when it finds it empty (the first start after this
-- migration).
DROP TABLE measure_search;
CREATE TABLE measure_search (
    measure_id BIGINT PRIMARY KEY REFERENCES measures (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    title_words TEXT NOT NULL,
    text_words TEXT NOT NULL,
    document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_words), 'A') || to_tsvector('simple', text_words)
    ) STORED
);
CREATE INDEX measure_search_document ON measure_search USING GIN (document);
