"""A property-based fuzzer over the whole API: no input answers 5xx (SEC-16, SEC-13).

schemathesis reads ``/api/v1/openapi.json`` from a real control plane and sends every operation
generated requests (schema examples, boundary and invalid "coverage" cases, then random ones,
valid and invalid) as the admin and as a plain tenant, on the database the suite runs on. Only
``not_a_server_error`` is required here; whether answers match the document is issue 14's.

The run is seeded (``OZ_FUZZ_SEED``, fixed by default) so CI sees the same cases every time;
set ``OZ_FUZZ_SEED`` to another number, and ``OZ_FUZZ_EXAMPLES`` higher, to explore further.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import HealthCheck

from tests.conftest import (
    ADMIN_KEY,
    TEST_DATABASE,
    Server,
    drop_postgres_database,
    free_port,
    new_database_url,
    start_server,
)

SEED = int(os.environ.get("OZ_FUZZ_SEED", "20261130"))
# Random examples per operation and caller, after the examples and coverage phases: about 15 s a
# caller on the 2-core machine, so both fit well within 2 minutes per database even when it is busy.
EXAMPLES = int(os.environ.get("OZ_FUZZ_EXAMPLES", "40"))


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A control plane of its own: the admin's fuzzed providers and global environments must not
    reach other tests. Fuzzed providers may not run commands (no ``cli`` type), and their calls
    go to a proxy nobody listens on, so no generated URL is ever reached."""
    data_dir: Path = tmp_path_factory.mktemp("fuzzed")
    database_url = new_database_url(data_dir)
    nowhere = f"http://127.0.0.1:{free_port()}"
    server = start_server(
        data_dir,
        database_url,
        {"OZ_DISABLE_PLUGINS": "cli", "HTTP_PROXY": nowhere, "HTTPS_PROXY": nowhere, "NO_PROXY": ""},
    )
    yield server
    server.stop()
    if TEST_DATABASE == "postgres":
        drop_postgres_database(database_url)


@pytest.fixture(params=["admin", "tenant"])
def api(request: pytest.FixtureRequest, fuzzed_server: Server) -> schemathesis.BaseSchema:
    token = ADMIN_KEY if request.param == "admin" else "fuzzing-tenant"
    schema = schemathesis.openapi.from_url(fuzzed_server.api + "/openapi.json")
    schema.config.update(
        base_url=fuzzed_server.url,
        headers={"Authorization": f"Bearer {token}"},
        request_timeout=10,
        # a loaded CI machine must not turn slow generation into a failure
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    schema.config.seed = SEED  # the same cases on every run; no example database replays old ones
    schema.config.generation.update(modes=["positive", "negative"], max_examples=EXAMPLES, database="none")
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    return schema


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
def test_no_generated_request_answers_5xx(case: schemathesis.Case) -> None:
    """SEC-16, SEC-13: every operation, fuzzed as the admin and as a tenant, never answers 5xx."""
    case.call_and_validate(checks=[not_a_server_error])
