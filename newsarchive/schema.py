"""The database schema. Table and column names are a contract with the site, tests and researchers."""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS outlets (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_zh TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('publisher', 'aggregator', 'mirror', 'republisher')),
    homepage TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    curated INTEGER NOT NULL DEFAULT 1,
    article_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    input TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    format TEXT,
    encoding TEXT,
    status TEXT NOT NULL CHECK (status IN ('ok', 'warning', 'error', 'skipped')),
    message TEXT,
    article_id INTEGER REFERENCES articles(id),
    raw TEXT,
    UNIQUE (input, path)
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    fingerprint TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    title TEXT NOT NULL,
    language TEXT CHECK (language IN ('en', 'zh')),
    outlet_id INTEGER REFERENCES outlets(id),
    via_id INTEGER REFERENCES outlets(id),
    url TEXT,
    original_url TEXT,
    published_at TEXT,
    published_date TEXT,
    published_month TEXT,
    date_source TEXT,
    page_published_at TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    -- Translators a closing credit names (譯者/编译): not authors; a wire story may name only them.
    translators TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    summary TEXT,
    body TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    -- Nothing in the body beyond the headline: kept, but never ranked above real articles.
    is_stub INTEGER NOT NULL DEFAULT 0 CHECK (is_stub IN (0, 1)),
    -- Only the start of the text: the page was a feed's teaser, cut off ("…"); the outlet's URL has the rest.
    is_excerpt INTEGER NOT NULL DEFAULT 0 CHECK (is_excerpt IN (0, 1)),
    -- Captures of one URL are one article (the latest complete one); the others are in article_versions.
    url_key TEXT,
    version_count INTEGER NOT NULL DEFAULT 1,
    -- Same body text (reposts under another headline or URL): search shows one result per body_key,
    -- and copies says how many articles share it (1 for most).
    body_key INTEGER NOT NULL,
    copies INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS articles_url_key ON articles(url_key);
CREATE INDEX IF NOT EXISTS articles_body_key ON articles(body_key);
-- Every capture of an article that was captured more than once, with its full content, so the
-- article can be rebuilt from the best remaining one when captures come and go.
CREATE TABLE IF NOT EXISTS article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    source_id INTEGER NOT NULL UNIQUE REFERENCES sources(id),
    is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
    fingerprint TEXT NOT NULL,
    title TEXT NOT NULL,
    published_at TEXT,
    published_date TEXT,
    word_count INTEGER NOT NULL,
    is_stub INTEGER NOT NULL,
    body TEXT NOT NULL,
    content TEXT NOT NULL  -- JSON: every other article column and its images, links and entity links
);
CREATE INDEX IF NOT EXISTS article_versions_article ON article_versions(article_id);
CREATE INDEX IF NOT EXISTS article_versions_fingerprint ON article_versions(fingerprint);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet_id, published_date);
CREATE INDEX IF NOT EXISTS articles_via ON articles(via_id);
CREATE INDEX IF NOT EXISTS articles_date ON articles(published_date);
-- Searches with very many matches are listed along this: stubs last, newest first (search_pages.MANY_SQL).
CREATE INDEX IF NOT EXISTS articles_listing ON articles(is_stub, published_date DESC);
CREATE INDEX IF NOT EXISTS articles_month ON articles(published_month);
CREATE INDEX IF NOT EXISTS articles_language ON articles(language, published_date);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source_id);
-- Facets over a filtered set read this small covering index instead of the wide article rows.
CREATE INDEX IF NOT EXISTS articles_facets
    ON articles(id, outlet_id, via_id, published_month, published_date, language, is_stub, copies, body_key);
CREATE INDEX IF NOT EXISTS sources_article ON sources(article_id);
CREATE INDEX IF NOT EXISTS sources_status ON sources(status);
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    src TEXT,
    caption TEXT,
    credit TEXT,
    width INTEGER,
    height INTEGER
);
CREATE INDEX IF NOT EXISTS images_article ON images(article_id, position);
CREATE TABLE IF NOT EXISTS links (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    text TEXT
);
CREATE INDEX IF NOT EXISTS links_article ON links(article_id, position);
CREATE TABLE IF NOT EXISTS people (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_zh TEXT,
    name_zh_hant TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    role TEXT,
    article_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS organizations (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_zh TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT,
    article_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS places (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_zh TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    latitude REAL,
    longitude REAL,
    country_code TEXT,
    kind TEXT,
    article_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS article_people (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, person_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_people_person ON article_people(person_id, article_id);
CREATE TABLE IF NOT EXISTS article_organizations (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, organization_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_organizations_organization
    ON article_organizations(organization_id, article_id);
CREATE TABLE IF NOT EXISTS article_places (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    place_id INTEGER NOT NULL REFERENCES places(id),
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, place_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_places_place ON article_places(place_id, article_id);
-- News agencies an article's text cites (路透社, 法新社 …), as their outlet rows.
CREATE TABLE IF NOT EXISTS article_outlets (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    outlet_id INTEGER NOT NULL REFERENCES outlets(id),
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, outlet_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_outlets_outlet ON article_outlets(outlet_id, article_id);
CREATE TABLE IF NOT EXISTS entity_candidates (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    count INTEGER NOT NULL,
    article_count INTEGER NOT NULL,
    example_article_id INTEGER REFERENCES articles(id),
    UNIQUE (kind, name)
);
-- Per-article candidate names, kept so incremental builds can re-aggregate entity_candidates.
CREATE TABLE IF NOT EXISTS candidate_mentions (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS candidate_mentions_article ON candidate_mentions(article_id);
-- The search index holds no text of its own (content=''): each column is the article's text in
-- newsarchive.search_text's index form (Chinese as overlapping bigrams), and rowid = articles.id.
-- Deleting an entry needs the same values again, which the builder recomputes from the article.
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, summary, body, captions, tags,
    content = '',
    tokenize = 'porter unicode61 remove_diacritics 2'
    -- No prefix index: it made the index a third larger and its writing half as slow again, for the
    -- one-character Chinese queries alone (a prefix over the pairs; 0.1–0.3 s without it).
);
-- The conversion newsarchive.textnorm applies before indexing (traditional→simplified phrases and
-- characters, folds), so a stdlib-only script can rewrite queries exactly as the site does.
CREATE TABLE IF NOT EXISTS search_conversion (
    source TEXT PRIMARY KEY,
    target TEXT NOT NULL
) WITHOUT ROWID;
-- Facet counts of the listings readers reach most (all articles, or one filter), written by
-- newsarchive.facet_counts at the end of each build so the site need not count them live.
CREATE TABLE IF NOT EXISTS facet_counts (
    filter TEXT NOT NULL,
    filter_value TEXT NOT NULL,  -- as a request's argument gives it
    facet TEXT NOT NULL,
    value NOT NULL,  -- no type: ids stay integers and sort as the live counts sort them
    count INTEGER NOT NULL,
    PRIMARY KEY (filter, filter_value, facet, value)
) WITHOUT ROWID;
-- Names and aliases that stand for exactly one person, organization or place, in matching form
-- (search_text.name_key): a query equal to one also finds the articles linked to that entity.
CREATE TABLE IF NOT EXISTS search_names (
    key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('people', 'organizations', 'places')),
    entity_id INTEGER NOT NULL,
    PRIMARY KEY (key, kind, entity_id)
) WITHOUT ROWID;
"""


def create(conn: sqlite3.Connection) -> None:
    """Create every table and index that does not exist yet, and record the schema version."""
    conn.executescript(SCHEMA)
    conn.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
    )


def is_current(conn: sqlite3.Connection) -> bool:
    """Whether a database was written with this schema version (else it is rebuilt, not updated)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return row is not None and row[0] == str(SCHEMA_VERSION)
