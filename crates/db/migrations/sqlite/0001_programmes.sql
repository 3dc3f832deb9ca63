-- Organisations, their vocabularies, programmes (sections → areas → measures), reporting rounds and
-- status entries, and what measures mention. Flags are INTEGER 0/1, dates TEXT 'YYYY-MM-DD',
-- times TEXT RFC 3339 (UTC): the same shapes as the PostgreSQL schema under sqlx's Any driver.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'nb' CHECK (language IN ('nb', 'en')),
    created_at TEXT NOT NULL
);

CREATE TABLE status_kinds (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL CHECK (category IN ('not_started', 'in_progress', 'done', 'dropped')),
    colour TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (organisation_id, key)
);

CREATE TABLE working_groups (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'adopted' CHECK (state IN ('draft', 'adopted')),
    published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (organisation_id, year)
);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX sections_programme ON sections (programme_id, position);

CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    working_group_id INTEGER REFERENCES working_groups (id) ON DELETE SET NULL
);
CREATE INDEX areas_section ON areas (section_id, position);

CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    area_id INTEGER REFERENCES areas (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES measures (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    working_group_id INTEGER REFERENCES working_groups (id) ON DELETE SET NULL,
    continues_id INTEGER REFERENCES measures (id) ON DELETE SET NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (programme_id, number)
);
CREATE INDEX measures_parent ON measures (parent_id);
CREATE INDEX measures_continues ON measures (continues_id);

CREATE TABLE reporting_rounds (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    slug TEXT NOT NULL,
    date TEXT,
    deadline TEXT,
    frozen INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1)),
    public INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (programme_id, label),
    UNIQUE (programme_id, slug)
);

CREATE TABLE status_entries (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES reporting_rounds (id) ON DELETE CASCADE,
    measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    status_key TEXT,
    status_label TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT 'undecided'
        CHECK (decision IN ('yes', 'no', 'conditional', 'merge', 'undecided')),
    condition TEXT,
    merge_into_id INTEGER REFERENCES measures (id) ON DELETE SET NULL,
    merge_into_title TEXT,
    comment TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    UNIQUE (round_id, measure_id)
);
CREATE INDEX status_entries_measure ON status_entries (measure_id);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    lead_partner_id INTEGER REFERENCES partners (id) ON DELETE SET NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    place TEXT
);

CREATE TABLE board_decisions (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    programme_id INTEGER REFERENCES programmes (id) ON DELETE SET NULL,
    decided_on TEXT NOT NULL,
    reference TEXT NOT NULL,
    text TEXT NOT NULL
);

CREATE TABLE project_partners (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, partner_id)
);

CREATE TABLE measure_links (
    measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events (id) ON DELETE CASCADE,
    partner_id INTEGER REFERENCES partners (id) ON DELETE CASCADE,
    board_decision_id INTEGER REFERENCES board_decisions (id) ON DELETE CASCADE,
    CHECK ((project_id IS NOT NULL) + (event_id IS NOT NULL) + (partner_id IS NOT NULL)
        + (board_decision_id IS NOT NULL) = 1)
);
CREATE INDEX measure_links_measure ON measure_links (measure_id);
