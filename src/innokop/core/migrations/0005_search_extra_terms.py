from django.db import migrations, models

# Adds a third, low-weight field and a term for each entry's kind to the search index (`extra`: classification labels such as CPV,
# found but weighed below an object's own words and never shown in snippets; `foreign`: the same
# labels in another language, indexed word for word into the same field) and records which
# rules made each entry's terms. Entries made before get terms_version 0; the catalogue's
# post-migrate step (innokop.catalogue.apps) rebuilds them once with today's rules. The DDL is
# written out here, as in 0003, so this migration keeps meaning what it meant when it was applied.

# kind_term holds "§" and the entry's kind, a term no query word can be, so a search for one kind
# intersects inside the index (FTS5's "ascii" tokenizer keeps the non-ASCII § in the token).
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE core_searchentry_fts_new
       USING fts5(title_terms, body_terms, extra_terms, kind_term, tokenize = 'ascii')""",
    """INSERT INTO core_searchentry_fts_new(rowid, title_terms, body_terms, extra_terms, kind_term)
       SELECT id, title_terms, body_terms, extra_terms, '§' || kind FROM core_searchentry""",
    "DROP TABLE IF EXISTS core_searchentry_fts",
    "ALTER TABLE core_searchentry_fts_new RENAME TO core_searchentry_fts",
]
SQLITE_BACKWARD = [
    "CREATE VIRTUAL TABLE core_searchentry_fts_old USING fts5(title_terms, body_terms, tokenize = 'ascii')",
    """INSERT INTO core_searchentry_fts_old(rowid, title_terms, body_terms)
       SELECT id, title_terms, body_terms FROM core_searchentry""",
    "DROP TABLE IF EXISTS core_searchentry_fts",
    "ALTER TABLE core_searchentry_fts_old RENAME TO core_searchentry_fts",
]

# A generated column cannot be altered: drop it and its index, and add them again with the new
# field at weight C (title A, body B) and the kind's term, as it stands, at weight D.
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS core_searchentry_vector_gin",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS search_vector",
]
POSTGRESQL_FORWARD = [
    *POSTGRESQL_DROP,
    """ALTER TABLE core_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_terms), 'B')
        || setweight(to_tsvector('simple'::regconfig, extra_terms), 'C')
        || setweight(array_to_tsvector(ARRAY['§' || kind]), 'D')
    ) STORED""",
    "CREATE INDEX core_searchentry_vector_gin ON core_searchentry USING GIN (search_vector)",
]
POSTGRESQL_BACKWARD = [
    *POSTGRESQL_DROP,
    """ALTER TABLE core_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_terms), 'B')
    ) STORED""",
    "CREATE INDEX core_searchentry_vector_gin ON core_searchentry USING GIN (search_vector)",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD})


def backward(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_sealed_audit_and_confidential_mail"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="extra",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="foreign",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="extra_terms",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="terms_version",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(forward, backward),
    ]
