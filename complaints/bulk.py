"""insert(): bulk_create for the ingest's hot path. On PostgreSQL the rows go in with one
INSERT ... RETURNING id per 500, and each value passes through Django's field preparation only when it
needs it (a date, a JSON value, a UUID); a string in a text column or a number in an integer column goes
as it is. At backfill rates bulk_create's per-value compilation cost more than the INSERT itself.

A value left to the database's default (a field with db_default that the instance did not set) goes as
DEFAULT, as bulk_create writes it. Anything this does not handle the same way (another database, a row
that has its id already) goes to bulk_create."""

from datetime import datetime

from django.db import connection, models
from django.db.models.expressions import DatabaseDefault

BATCH = 500
# Field classes whose database value on PostgreSQL is the Python value itself when it has this type (an
# aware datetime goes as it is too: adapt_datetimefield_value returns it unchanged there).
_PLAIN = ((models.BooleanField, bool), (models.CharField, str), (models.TextField, str),
          (models.IntegerField, int), (models.FloatField, float), (models.DateTimeField, datetime))
_FIELDS = {}


def _standard(field):
    return type(field).__module__.startswith("django.db.models.")


def plain_type(field):
    """The Python type whose values `field` sends as they are; None for a field of another class (it may
    prepare its values its own way)."""
    target = field.target_field if field.is_relation else field
    if not (_standard(field) and _standard(target)):
        return None
    return next((kind for cls, kind in _PLAIN if isinstance(target, cls)), None)


def value_for(field, plain, value):
    """The value to send for `field` (plain: plain_type(field)) on PostgreSQL."""
    if value is None and plain is not None:
        return None  # Django's own fields store None as NULL
    if type(value) is plain and (plain is not datetime or value.tzinfo is not None):
        return value
    return field.get_db_prep_save(value, connection)


def _columns(model):
    if model not in _FIELDS:
        columns = []
        for field in model._meta.concrete_fields:
            if field.primary_key or field.generated:
                continue
            own_pre_save = type(field).pre_save is not models.Field.pre_save
            columns.append((field, field.attname, own_pre_save, plain_type(field)))
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
    rows, shapes = [], {}
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        row, defaults = [], ()
        for index, (field, attname, own_pre_save, plain) in enumerate(columns):
            value = field.pre_save(obj, True) if own_pre_save else getattr(obj, attname)
            if isinstance(value, DatabaseDefault):
                defaults += (index,)
                continue
            row.append(value_for(field, plain, value))
        if defaults not in shapes:
            shapes[defaults] = "(" + ", ".join("DEFAULT" if i in defaults else "%s" for i in range(len(columns))) + ")"
        rows.append((shapes[defaults], row))
    table = model._meta.db_table
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field, *_ in columns)
    # As bulk_create does, a column left to its database default is read back, so that an instance never
    # keeps a DatabaseDefault where its value belongs; a value the instance holds already is not.
    left = {columns[i][0] for defaults in shapes for i in defaults}
    returned = [(field, converters) for field, converters in _returning(model)
                if field.primary_key or field in left]
    returning = ", ".join(quote(field.column) for field, _ in returned)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            part = rows[start:start + BATCH]
            cursor.execute(f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join(shape for shape, _ in part)} "
                           f"RETURNING {returning}", [value for _, row in part for value in row])
            for obj, values in zip(objs[start:start + BATCH], cursor.fetchall()):
                for (field, converters), value in zip(returned, values):
                    for converter, expression in converters:
                        value = converter(value, expression, connection)
                    setattr(obj, field.attname, value)
                obj._state.adding = False
                obj._state.db = connection.alias
    return objs


def _returning(model):
    """The fields an INSERT returns (the id, the columns with database defaults), with their converters."""
    key = (model, "returning")
    if key not in _FIELDS:
        returned = []
        for field in model._meta.db_returning_fields:
            column = field.get_col(model._meta.db_table)
            converters = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
            returned.append((field, [(converter, column) for converter in converters]))
        _FIELDS[key] = returned
    return _FIELDS[key]
