"""insert(): bulk_create for the ingest's hot path. On PostgreSQL the rows go in with one
INSERT ... RETURNING id per 500, and each value passes through Django's field preparation only when it
needs it (a date, a JSON value, a UUID); a string in a text column or a number in an integer column goes
as it is. At backfill rates bulk_create's per-value compilation cost more than the INSERT itself.

Anything this does not handle the same way (another database, a row that has its id already, a value
left to a database default) goes to bulk_create."""

from django.db import connection, models
from django.db.models.expressions import DatabaseDefault

BATCH = 500
# Field classes whose database value is the Python value itself when it has this type.
_PLAIN = ((models.BooleanField, bool), (models.CharField, str), (models.TextField, str),
          (models.IntegerField, int), (models.FloatField, float))
_FIELDS = {}


def _columns(model):
    if model not in _FIELDS:
        columns = []
        for field in model._meta.concrete_fields:
            if field.primary_key or field.generated:
                continue
            own_pre_save = type(field).pre_save is not models.Field.pre_save
            target = field.target_field if field.is_relation else field
            plain = next((kind for cls, kind in _PLAIN if isinstance(target, cls)), None)
            columns.append((field, field.attname, own_pre_save, plain))
        _FIELDS[model] = columns
    return _FIELDS[model]


def insert(model, objs):
    """Insert `objs` (new instances of `model`) and set their ids, in the caller's transaction."""
    objs = list(objs)
    if not objs:
        return objs
    if connection.vendor != "postgresql" or any(obj.pk is not None for obj in objs):
        return model.objects.bulk_create(objs, batch_size=BATCH)
    columns = _columns(model)
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        row = []
        for field, attname, own_pre_save, plain in columns:
            value = field.pre_save(obj, True) if own_pre_save else getattr(obj, attname)
            if isinstance(value, DatabaseDefault):
                return model.objects.bulk_create(objs, batch_size=BATCH)
            if plain is None or (value is not None and type(value) is not plain):
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        rows.append(row)
    table, pk = model._meta.db_table, model._meta.pk
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field, *_ in columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            part = rows[start:start + BATCH]
            cursor.execute(f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([placeholder] * len(part))} "
                           f"RETURNING {quote(pk.column)}", [value for row in part for value in row])
            for obj, (pk_value,) in zip(objs[start:start + BATCH], cursor.fetchall()):
                setattr(obj, pk.attname, pk_value)
                obj._state.adding = False
                obj._state.db = connection.alias
    return objs
