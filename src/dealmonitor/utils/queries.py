"""Counting database queries around a piece of work, requests included.

Django's CaptureQueriesContext reads `connection.queries_log`, which every request start
empties (`reset_queries`), so it undercounts work that goes through the test client outside a
test case. An execute wrapper sees every statement, whatever happens to the log."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def count_queries():
    """`with count_queries() as counted: ...`; then `counted.count`, `counted.statements`."""

    class Counted:
        statements = []

        @property
        def count(self):
            return len(self.statements)

    counted = Counted()
    counted.statements = []

    def wrapper(execute, sql, params, many, context):
        counted.statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counted
