"""The `*_like` indexes Django adds on PostgreSQL beside the index of every indexed or unique CharField
(`varchar_pattern_ops`, for LIKE 'prefix%'). On the ingest's tables no query reads them: ids, codes and
keys are looked up by equality or IN (the plain or unique index), the dashboard's search reads the
trigram and full-text indexes, and the admin's search is a case-insensitive contains, which a pattern
index cannot serve. Each one is written on every INSERT of a mention, complaint, event, message and
outbox row, so migrations drop them (`drop`) and can put them back (`restore`)."""


def _name(schema_editor, table, column):
    return schema_editor._create_index_name(table, [column], suffix="_like")


def drop(schema_editor, table_columns):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in table_columns.items():
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_name(schema_editor, table, column))}")


def restore(schema_editor, table_columns):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table, columns in table_columns.items():
        for column in columns:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(_name(schema_editor, table, column))} "
                                  f"ON {quote(table)} ({quote(column)} varchar_pattern_ops)")
