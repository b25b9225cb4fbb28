"""Personal API tokens (hashed) and the security record.

Upgrading from the Django REST framework tokens (`rest_framework.authtoken`, no longer installed): the
keys in its table are carried over, hashed, with their first 8 characters as the prefix and the name
"Carried over", so clients keep working with the keys they have; each owner sees them on the dashboard's
token page and can revoke them. The old table is left alone; drop it once every client has a new key:
`DROP TABLE authtoken_token;`."""

import hashlib
from datetime import UTC, datetime

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _aware(value):
    # A raw cursor gives SQLite's text as it is stored (UTC, without an offset).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def carry_over_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("districts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create([
        ApiToken(user_id=user_id, name="Carried over", prefix=key[:8], created_at=_aware(created),
                 digest=hashlib.sha256(key.encode()).hexdigest())
        for key, user_id, created in rows
    ], ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('districts', '0002_staff_language'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('prefix', models.CharField(db_index=True, editable=False, max_length=16, verbose_name='prefix')),
                ('digest', models.CharField(editable=False, max_length=64, unique=True, verbose_name='SHA-256 of the key')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='last used')),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='revoked')),
                ('revoked_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SecurityEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('token_created', 'API token created'), ('token_revoked', 'API token revoked'), ('lockout_cleared', 'Login lockout cleared')], db_index=True, max_length=30, verbose_name='action')),
                ('actor_name', models.CharField(blank=True, max_length=150, verbose_name='by (username)')),
                ('subject', models.CharField(blank=True, max_length=150, verbose_name='account or address')),
                ('data', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='at')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
            ],
            options={
                'verbose_name': 'security event',
                'verbose_name_plural': 'security events',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.RunPython(carry_over_drf_tokens, migrations.RunPython.noop),
    ]
