"""The store's schema as an ordered list of migrations.

Each migration is a list of statements applied in one transaction; the
``schema_version`` table records which have run, so an older store file is
brought up to date on open and a newer one is refused rather than misread.
"""

from __future__ import annotations

KINDS = ("survey", "review", "complaint")
IMPORT_KINDS = (*KINDS, "customer")

# Metric columns and their scales: the only place a scale is defined.
METRIC_SCALES: dict[str, tuple[int, int]] = {
    "nps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
    "stars": (1, 5),
}

# Columns of ``feedback`` a mapping may fill, with their DuckDB type.
FEEDBACK_FIELDS: dict[str, str] = {
    "source_id": "VARCHAR",
    "customer_id": "VARCHAR",
    "received_at": "TIMESTAMP",
    "function": "VARCHAR",
    "channel": "VARCHAR",
    "product": "VARCHAR",
    "region": "VARCHAR",
    "nps": "UTINYINT",
    "csat": "UTINYINT",
    "ces": "UTINYINT",
    "stars": "UTINYINT",
    "text": "VARCHAR",
    "category": "VARCHAR",
    "sub_issue": "VARCHAR",
    "status": "VARCHAR",
    "opened_at": "DATE",
    "closed_at": "DATE",
    "due_at": "DATE",
    "outcome": "VARCHAR",
    "timely": "BOOLEAN",
    "disputed": "BOOLEAN",
}

_V1 = [
    """CREATE TABLE imports (
        import_id INTEGER PRIMARY KEY,
        file_name VARCHAR NOT NULL,
        checksum VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        mapping VARCHAR,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        rows_read INTEGER NOT NULL DEFAULT 0,
        rows_accepted INTEGER NOT NULL DEFAULT 0,
        rows_rejected INTEGER NOT NULL DEFAULT 0,
        rows_duplicate INTEGER NOT NULL DEFAULT 0,
        note VARCHAR
    )""",
    # No PRIMARY KEY index: an index on 10M ids made every import several times
    # slower, and uniqueness is already kept by the import's anti-join, which runs
    # under DuckDB's single-writer lock.
    f"""CREATE TABLE feedback (
        feedback_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN {KINDS!r}),
        source VARCHAR NOT NULL,
        {", ".join(f"{name} {typ}" for name, typ in FEEDBACK_FIELDS.items())},
        text_hash UBIGINT,
        extra JSON,
        import_id INTEGER NOT NULL,
        source_line INTEGER
    )""",
    """CREATE TABLE rejected (
        import_id INTEGER NOT NULL,
        file_name VARCHAR NOT NULL,
        line INTEGER,
        column_name VARCHAR,
        reason VARCHAR NOT NULL,
        raw JSON
    )""",
    """CREATE TABLE metric_scales (
        metric VARCHAR PRIMARY KEY, low INTEGER, high INTEGER, description VARCHAR
    )""",
    """INSERT INTO metric_scales VALUES
        ('nps', 0, 10, 'How likely to recommend, 0-10'),
        ('csat', 1, 5, 'Satisfaction, 1-5'),
        ('ces', 1, 7, 'CES 2.0 "made it easy", 1-7, agree is good'),
        ('stars', 1, 5, 'Review stars, 1-5')""",
    # One row per feedback row and metric it carries: queries across kinds
    # ("all 1-5 scores") read this instead of knowing the wide columns.
    """CREATE VIEW feedback_metrics AS
        SELECT f.feedback_id, f.kind, f.source, f.customer_id, f.received_at,
               f.function, f.channel, f.product, f.region,
               m.metric, m.score, s.low AS scale_low, s.high AS scale_high
        FROM feedback f,
             LATERAL (VALUES ('nps', f.nps), ('csat', f.csat), ('ces', f.ces), ('stars', f.stars))
                 AS m(metric, score)
        JOIN metric_scales s ON s.metric = m.metric
        WHERE m.score IS NOT NULL""",
    """CREATE VIEW complaints AS
        SELECT * FROM feedback WHERE kind = 'complaint'""",
    # Scores are keyed by the text's hash: identical texts are scored once, and a
    # rescore replaces rows whose `scorer` (engine + lexicon version) is stale.
    """CREATE TABLE text_scores (
        text_hash UBIGINT PRIMARY KEY,
        vader_compound DOUBLE, vader_pos DOUBLE, vader_neu DOUBLE, vader_neg DOUBLE,
        cx_compound DOUBLE, label VARCHAR, cx_label VARCHAR, n_sentences INTEGER,
        neg_sentence VARCHAR, pos_sentence VARCHAR, scorer VARCHAR NOT NULL
    )""",
    """CREATE TABLE text_themes (
        text_hash UBIGINT NOT NULL, theme VARCHAR NOT NULL, bank VARCHAR NOT NULL
    )""",
    """CREATE VIEW feedback_scored AS
        SELECT f.*, s.vader_compound, s.cx_compound, s.label, s.cx_label,
               s.neg_sentence, s.pos_sentence
        FROM feedback f LEFT JOIN text_scores s USING (text_hash)""",
]

# The customer file (a fourth kind of import). Every import of a customer row that
# differs from what is on record adds a version; the `customers` view shows each
# customer's latest, so a newer file wins and churn by period stays reproducible.
CUSTOMER_FIELDS: dict[str, str] = {
    "customer_id": "VARCHAR",
    "joined_at": "DATE",
    "left_at": "DATE",
    "status": "VARCHAR",
    "segment": "VARCHAR",
    "region": "VARCHAR",
    "revenue_12m": "DOUBLE",
    "products_held": "INTEGER",
}

_V2 = [
    f"""CREATE TABLE customer_versions (
        row_key VARCHAR NOT NULL,
        {", ".join(f"{name} {typ}" for name, typ in CUSTOMER_FIELDS.items())},
        extra JSON,
        import_id INTEGER NOT NULL,
        source_line INTEGER
    )""",
    """CREATE VIEW customers AS
        SELECT * EXCLUDE (rn) FROM (
            SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY import_id DESC, source_line DESC) AS rn
            FROM customer_versions) WHERE rn = 1""",
]

# Briefing packs' "you said, we did" log, edited by advocates in the app.
_V3 = [
    """CREATE TABLE briefing_actions (
        action_id INTEGER PRIMARY KEY,
        function VARCHAR NOT NULL,
        period VARCHAR NOT NULL,
        you_said VARCHAR NOT NULL,
        we_did VARCHAR,
        owner VARCHAR,
        status VARCHAR NOT NULL DEFAULT 'planned',
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
    )""",
]

MIGRATIONS: list[list[str]] = [_V1, _V2, _V3]
SCHEMA_VERSION = len(MIGRATIONS)


def fields_for(kind: str | None) -> dict[str, str]:
    """The store fields an import of this kind can fill."""
    return CUSTOMER_FIELDS if kind == "customer" else FEEDBACK_FIELDS
