"""Schemathesis against ``/api/openapi.json``, in process through the WSGI app.

Every documented operation is driven with generated requests, as a student and as an instructor
(bearer tokens), half of them aimed at real ids (the student's own attempt and question) so that
bodies reach the services rather than stopping at a 404. Checks: no 5xx, the status code is
documented, the content type, headers and body conform to the document. Examples are few
(12 per operation and role) and derandomized so CI stays fast and a failure reproduces.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizengine.web.api.openapi import DOCUMENT

schemathesis = pytest.importorskip("schemathesis")

PASSWORD = "correct horse battery"
# Deeper local runs: QUIZENGINE_SCHEMATHESIS_EXAMPLES=200 pytest tests/security/test_openapi_...
MAX_EXAMPLES = int(os.environ.get("QUIZENGINE_SCHEMATHESIS_EXAMPLES", "12"))
OPERATIONS = sorted((path, method.upper()) for path, ops in DOCUMENT["paths"].items()
                    for method in ops)


def _checks() -> list:
    from schemathesis import checks

    return [checks.not_a_server_error, checks.status_code_conformance,
            checks.content_type_conformance, checks.response_schema_conformance,
            checks.response_headers_conformance]


def _bearer(client, username: str) -> dict[str, str]:
    reply = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json['token']}"}


@pytest.fixture
def world(app, client, make_user, chain_quiz):
    """A student with an attempt on the chain-rule quiz, and an instructor; their tokens and the
    real ids the generated requests may aim at."""
    make_user("sam", "student")
    make_user("ivy", "instructor")
    student = _bearer(client, "sam")
    started = client.post(f"/api/v1/quizzes/{chain_quiz}/attempts", headers=student).json
    real = {"quiz_id": chain_quiz, "attempt_id": started["attempt_id"],
            "question_id": started["questions"][0]["question_id"]}
    return {"student": student, "instructor": _bearer(client, "ivy"), "real": real}


@pytest.mark.parametrize("role", ["student", "instructor"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_operation_conforms_to_the_document(app, world, role, path, method):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = schema[path][method]
    names = [p["name"] for p in DOCUMENT["paths"][path][method.lower()].get("parameters", [])
             if p["in"] == "path"]
    headers = world[role]

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), aim_at_real_ids=st.booleans())
    def run(case, aim_at_real_ids: bool) -> None:
        if aim_at_real_ids:
            for name in names:
                case.path_parameters[name] = world["real"][name]
        if path.endswith("/auth/login"):
            case.call_and_validate(checks=_checks())
        else:
            case.call_and_validate(headers=headers, checks=_checks())

    run()
