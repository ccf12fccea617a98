"""schemathesis against the API's own schema, in-process (WSGI), as two users.

For every operation a few generated requests (positive and negative data),
sent with a token, must not be answered 5xx, must match the documented status
codes, content types and response schemas, and must not succeed again without
the token (``ignored_auth``).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

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
EXAMPLES_PER_OPERATION = 6


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


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("persona", ["lebak_coordinator", "province_coordinator"])
def test_api_conforms_to_its_schema(
    persona, world, request, api_client_for, _keep_test_connection
):
    user = request.getfixturevalue(persona)
    client = api_client_for(user)
    token = client._credentials["HTTP_AUTHORIZATION"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    failures = []
    for operation in operations:
        if "{" in operation.path and operation.method.upper() == "DELETE":
            # Deleting the shared objects would starve the other operations;
            # the role walk covers DELETE.
            continue
        strategy = operation.as_strategy()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, data=st.data())
        def run(case, data):
            case.call_and_validate(headers={"Authorization": token}, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect all, report together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)
