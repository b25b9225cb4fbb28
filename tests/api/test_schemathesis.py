"""Property-based runs of the whole API against its own OpenAPI schema (schemathesis, in-process through
the WSGI app, authenticated as HQ with a token): no answer may be a server error, and every answer must
match the documented status codes and shapes.

Two runs: every operation on its own with generated input (half of the examples aimed at real
complaints and real units, so that actions reach the lifecycle rather than a 404), and sequences of
calls chained along the schema's OpenAPI links (complaints/api/schema.py: file a complaint, then act on
it by the code the answer carries, and so on). Both are bounded so that the file stays under a minute
per database; SCHEMATHESIS_MAX_EXAMPLES and SCHEMATHESIS_SEQUENCES raise the bounds for a longer run."""

import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from complaints import lifecycle
from districts import tokens
from districts.models import PoliceStation, Unit
from seva.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
SEQUENCES = int(os.environ.get("SCHEMATHESIS_SEQUENCES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes database connections at the end of each request; inside a test's
    transaction that would close the test's own connection (Django's test client skips it the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def unlimited(settings):
    settings.TRACK_THROTTLE = ""  # the per-address limit is tested on its own; here it would only say 429
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}


@pytest.fixture
def real_codes(forwarded, resolved, make_complaint):
    return [forwarded("meerut").tracking_code, resolved("bareilly").tracking_code,
            lifecycle.note(forwarded("lucknow")).tracking_code, make_complaint().tracking_code]


@pytest.fixture
def aim(real_codes):
    """Point half of the generated codes, units, police stations and merge targets at real ones."""
    units = ["meerut", "bareilly", "lucknow-commissionerate", "agra"]
    stations = list(PoliceStation.objects.values_list("pk", flat=True)[:4]) or [1]
    assert Unit.objects.filter(slug__in=units).count() == len(units)

    def pick(value, choices):
        digest = zlib.crc32(repr(value).encode())
        return choices[digest // 2 % len(choices)] if digest % 2 == 0 else value

    def apply(case, paths=True):
        if paths and case.path_parameters and "code" in case.path_parameters:
            case.path_parameters["code"] = pick(case.path_parameters["code"], real_codes)
        if isinstance(case.body, dict):
            for field, choices in (("unit", units), ("police_station", stations), ("into", real_codes)):
                if field in case.body:
                    case.body[field] = pick(case.body[field], choices)
        return case

    return apply


@pytest.fixture
def hq_key(hq):
    return tokens.issue(hq, "schemathesis")[1]


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=SUPPRESSED)
def test_api_never_fails_and_matches_its_schema(case, hq_key, aim, unlimited):
    aim(case).call_and_validate(headers={"Authorization": f"Token {hq_key}"}, checks=CHECKS)


@pytest.mark.django_db(transaction=False)
def test_chained_calls_never_fail_and_match_the_schema(hq_key, aim, unlimited):
    class Workflow(schema.as_state_machine()):
        """Each sequence starts from the same database (a savepoint rolled back at its end), so that
        Hypothesis, which replays sequences, sees the same answers to the same calls."""

        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def before_call(self, case):
            aim(case, paths=False)  # codes come from the links: complaints this sequence filed or read

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {hq_key}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Workflow.run(settings=hypothesis_settings(max_examples=SEQUENCES, stateful_step_count=6, deadline=None,
                                              suppress_health_check=SUPPRESSED + [HealthCheck.data_too_large]))


def test_links_chain_every_operation_on_a_complaint(client):
    """Every operation that takes a complaint's {code} is reachable along a link from filing one."""
    paths = client.get("/api/schema/?format=json").json()["paths"]
    on_a_complaint = {op["operationId"] for path, ops in paths.items() if "{code}" in path for op in ops.values()}
    filed = paths["/api/v1/complaints/"]["post"]["responses"]["201"]["links"]
    assert on_a_complaint and set(filed) == on_a_complaint
    assert {link["parameters"]["code"] for link in filed.values()} == {"$response.body#/tracking_code"}
    forward = paths["/api/v1/complaints/{code}/forward/"]["post"]["responses"]["200"]["links"]
    assert set(forward) == on_a_complaint
