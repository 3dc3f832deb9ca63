-- Lineage beyond `continues`: a measure merged into another is also a predecessor of the
-- target's successor next year.
CREATE TABLE measure_predecessors (
    measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    predecessor_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    PRIMARY KEY (measure_id, predecessor_id)
);
CREATE INDEX measure_predecessors_predecessor ON measure_predecessors (predecessor_id);
