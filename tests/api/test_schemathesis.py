"""schemathesis against the API's own schema, in-process (WSGI), as a kab/kota
coordinator and as an admin.

- **Every operation, every method** (DELETE last, so the shared objects serve
  the other operations first): generated requests that fit the schema must not
  be answered 5xx, must match the documented status codes, content types and
  response schemas, and must not succeed again without the token
  (``ignored_auth``).
- **Negative data** (requests that do not fit the schema): never a 5xx.
- **Stateful lifecycles**: for every resource that can be created, a generated
  POST that succeeds is followed by GET, PATCH, PUT and DELETE of the object it
  made (the links drf-spectacular does not write), each checked as above.

Bounded for CI (``SCHEMATHESIS_EXAMPLES``, default 10 per operation; the three
tests take about a minute here). A longer, randomised run::

    SCHEMATHESIS_EXAMPLES=100 SCHEMATHESIS_RANDOM=1 .venv/bin/python -m pytest \\
        tests/api/test_schemathesis.py
"""

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client as WsgiClient

from django.core import signals
from django.db import close_old_connections

from config.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
RANDOM = os.environ.get("SCHEMATHESIS_RANDOM") == "1"
PERSONAS = ["lebak_coordinator", "admin_user"]


@pytest.fixture
def _keep_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose
    close_old_connections would close the test's PostgreSQL connection in the
    middle of its transaction. Django's test client detaches it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(_keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    return operations


@pytest.fixture
def token(request, world, api_client_for):
    def make(persona):
        client = api_client_for(request.getfixturevalue(persona))
        return client._credentials["HTTP_AUTHORIZATION"]

    return make


def _hypothesis(examples=None):
    return settings(
        max_examples=examples or EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def _run(strategy, call, examples=None):
    @_hypothesis(examples)
    @given(case=strategy)
    def run(case):
        call(case)

    run()


def _every_method_last_deletes(operations):
    return sorted(operations, key=lambda op: op.method.upper() == "DELETE")


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_conforms_to_its_schema_for_every_method(persona, api_schema, token):
    auth = token(persona)
    methods = {op.method.upper() for op in api_schema}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= methods
    failures = []
    for operation in _every_method_last_deletes(api_schema):
        try:
            _run(
                operation.as_strategy(),
                lambda case: case.call_and_validate(
                    headers={"Authorization": auth}, checks=CHECKS
                ),
            )
        except (Exception, BaseExceptionGroup) as exc:  # collect all, report together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_answers_data_that_does_not_fit_the_schema_without_a_server_error(
    persona, api_schema, token
):
    auth = token(persona)
    failures = []
    for operation in _every_method_last_deletes(api_schema):
        try:
            strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        except Exception:  # noqa: S112 - nothing negative to make for this operation
            continue
        try:
            _run(
                strategy,
                lambda case: case.call_and_validate(
                    headers={"Authorization": auth},
                    checks=[not_a_server_error, content_type_conformance],
                ),
                examples=max(2, EXAMPLES_PER_OPERATION // 2),
            )
        except Unsatisfiable:
            continue  # no negative variant for this body (a multipart upload)
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)


def _detail_operations(operations, collection_path):
    pattern = re.compile(re.escape(collection_path) + r"\{(\w+)\}/$")
    for op in operations:
        found = pattern.fullmatch(op.path)
        if found:
            yield op, found.group(1)


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_lifecycle_create_read_change_delete(persona, api_schema, token):
    """Stateful: an object is made through the API (a copy of one the persona
    can read, so the body is valid), then generated GET, PATCH, PUT and
    DELETE requests follow on the object it made, each checked as above."""
    auth = token(persona)
    headers = {"Authorization": auth}
    # Straight to the WSGI app, as schemathesis does (Django's test client would
    # reconnect the signal that closes the test's connection).
    client = WsgiClient(application)
    creators = [
        op for op in api_schema
        if op.method.upper() == "POST" and not re.search(r"\{\w+\}", op.path)
        and not op.path.endswith(("/token/", "/imports/"))
    ]
    assert len(creators) >= 8
    chained = []
    failures = []
    for creator in creators:
        listing = client.get(creator.path, headers=headers)
        if listing.status_code != 200 or not listing.json.get("results"):
            continue
        original = listing.json["results"][0]
        body = {k: v for k, v in original.items() if k != "id" and v is not None}
        made = client.post(creator.path, json=body, headers=headers)
        if made.status_code != 201:
            continue  # a unique key forbids a copy; the other tests cover this POST
        chained.append(creator.path)
        for operation, param in sorted(
            _detail_operations(api_schema, creator.path),
            key=lambda pair: pair[0].method.upper() == "DELETE",
        ):
            key = made.json.get(param, made.json.get("id"))
            try:
                _run(
                    operation.as_strategy(path_parameters={param: key}),
                    lambda case: case.call_and_validate(headers=headers, checks=CHECKS),
                )
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)
    # The chain must really run (a test that cannot fail is a defect).
    assert len(chained) >= 3, chained


@pytest.mark.django_db
def test_the_stateful_chain_has_something_to_follow(api_schema):
    creators = {op.path for op in api_schema if op.method.upper() == "POST"}
    details = [op for op in api_schema if op.method.upper() == "DELETE"]
    assert any(
        any(d.path.startswith(c) for d in details) for c in creators
    ), "no resource can be created and deleted through the API"
