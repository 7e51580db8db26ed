"""Schemathesis against the OpenAPI, with an operator's token, on a server of its own (the
fuzzer creates and archives at random): zero 5xx, and every 4xx the usual error body.
A bounded run; the long one is ``python -m tests.fuzz_api`` (docs/fuzzing.md)."""

from tests.conftest import Server
from tests.fuzz_api import fuzz

EXAMPLES_PER_OPERATION = 12


def test_no_generated_request_answers_5xx_and_every_4xx_has_the_error_body():
    srv = Server("fuzz")
    token = srv.start_with_operator("fuzz.ops@taolun.test")
    try:
        report = fuzz(srv.url, token, EXAMPLES_PER_OPERATION)
    finally:
        srv.stop()
    print(report.summary())
    assert report.cases >= 300, report.summary()
    assert report.server_errors == [], "\n".join(report.server_errors)
    assert report.bad_error_bodies == [], "\n".join(report.bad_error_bodies)
