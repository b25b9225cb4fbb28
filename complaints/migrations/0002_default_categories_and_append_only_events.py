from django.db import migrations

DEFAULT_CATEGORIES = [
    ("action", 1, "Complaint needing police action", "पुलिस कार्रवाई योग्य शिकायत",
     "A grievance the police must act on: a crime, a threat, inaction by a police station."),
    ("information", 2, "Information or suggestion", "सूचना या सुझाव",
     "A tip-off, an enquiry, feedback or a suggestion: to be read and answered, no case to work."),
    ("not-police", 3, "Not a police matter", "पुलिस से असंबंधित",
     "Belongs to another department or agency; the citizen is told where to go."),
]

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION complaints_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaints_event is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS complaints_event_no_change ON complaints_event;
CREATE TRIGGER complaints_event_no_change BEFORE UPDATE OR DELETE ON complaints_event
    FOR EACH ROW EXECUTE FUNCTION complaints_event_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS complaints_event_no_change ON complaints_event;
DROP FUNCTION IF EXISTS complaints_event_append_only();
"""


def add_categories(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for slug, order, name_en, name_hi, description in DEFAULT_CATEGORIES:
        Category.objects.get_or_create(
            slug=slug, defaults={"order": order, "name_en": name_en, "name_hi": name_hi, "description": description}
        )


def protect_events(apps, schema_editor):
    # On PostgreSQL (production) the audit trail is append-only in the database too, so no raw SQL can
    # rewrite it. TRUNCATE, which test runners use to reset tables, is not an UPDATE or DELETE.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_APPEND_ONLY)


def unprotect_events(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        migrations.RunPython(add_categories, migrations.RunPython.noop),
        migrations.RunPython(protect_events, unprotect_events),
    ]
