"""Django's `flush`, emptying complaints before their audit trail on SQLite.

SQLite's trigger (migration 0005) refuses to delete an event whose complaint still exists. Django's
flush deletes table by table in set order, which changes from one process to the next, so half the
time it would reach complaints_event first and be refused. Here the complaints go first; the DELETEs
run in one transaction and SQLite's foreign keys are deferred to its end, so the order matters to no
other table. The test runner empties the database between transactional tests with this command.
PostgreSQL empties tables with TRUNCATE, which its row trigger does not see: nothing changes there."""

from django.core.management.commands import flush
from django.db import connections

COMPLAINTS = 'DELETE FROM "complaints_complaint";'


def complaints_first(statements):
    return sorted(statements, key=lambda statement: statement != COMPLAINTS)


class Command(flush.Command):
    def handle(self, **options):
        ops = connections[options["database"]].ops
        if ops.connection.vendor != "sqlite":
            return super().handle(**options)
        # The statement list is made and run inside flush.Command.handle; this connection's ops runs it.
        execute = ops.execute_sql_flush
        ops.execute_sql_flush = lambda statements: execute(complaints_first(statements))
        try:
            return super().handle(**options)
        finally:
            del ops.execute_sql_flush
