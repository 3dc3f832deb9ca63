-- The licence an organisation publishes its open data under (an SPDX identifier: NLOD-2.0, the
-- Norwegian licence for open government data, or CC-BY-4.0).
ALTER TABLE organisations ADD COLUMN licence TEXT NOT NULL DEFAULT 'NLOD-2.0';
