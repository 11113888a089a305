"""The public API keeps the promises of its own OpenAPI document under generated input:
schemathesis sends what /api/v1/openapi.json allows and much that it does not (NUL
characters, huge numbers, wrong types), to every operation, and each answer must be
no server error, a status the document lists and a body of the documented shape."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from offenestadt.contracts.models import Contract, Vendor
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.council.models import Meeting, Paper
from offenestadt.council.tests.records import small_council
from offenestadt.participation.models import Procedure
from offenestadt.registry.models import Project
from offenestadt.voting.models import Vote

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# A bounded budget: the whole file runs in about a minute on two cores.
BUDGET = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def demo_city(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, list[Any]]]:
    """The demo city and a small council, loaded once for the module and rolled back after
    it; what they hold by the names of the API's path parameters, so generated requests also
    hit records (deleted meetings and papers among them)."""
    with django_db_blocker.unblock(), transaction.atomic():
        notes = load_demo_content()
        small_council()
        codes = [
            code.strip()
            for note in notes
            if note.startswith("Abstimmungscodes")
            for code in note.split(":", 1)[1].split(",")
        ]
        yield {
            "slug": [
                *Project.objects.published().values_list("slug", flat=True),
                *Procedure.objects.published().values_list("slug", flat=True),
            ],
            "contract_id": list(Contract.objects.published().values_list("pk", flat=True)),
            "vendor_id": list(Vendor.objects.values_list("pk", flat=True)),
            "vote_id": list(Vote.objects.published().values_list("pk", flat=True)),
            "number": [1, 2],
            "meeting_id": list(Meeting.objects.values_list("pk", flat=True)),
            "paper_id": list(Paper.objects.values_list("pk", flat=True)),
            # A ballot that the rules allow: the vote, a code (none in an open poll), a choice.
            "ballot": [
                (vote.pk, code if vote.requires_code else "", option)
                for vote in Vote.objects.published().prefetch_related("options")
                for option in vote.options.values_list("pk", flat=True)[:1]
                for code in (codes[:8] if vote.requires_code else [""])
            ],
        }
        transaction.set_rollback(True)


@pytest.fixture
def wsgi_app(db: None) -> Iterator[WSGIHandler]:
    """The application as the WSGI server runs it, inside the test's transaction: the
    signals that close connections between requests are held back, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(demo_city: dict[str, list[Any]], wsgi_app: WSGIHandler) -> Any:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)

    @schema.hook
    def flatmap_path_parameters(context: Any, parameters: dict[str, Any]) -> Any:
        # Half the time the path names a record that exists, so the answers with a body
        # (200, 409 for a vote not yet counted) are checked too, not only the 404s.
        known = {
            name: st.sampled_from(demo_city[name])
            for name in parameters or {}
            if demo_city.get(name)
        }
        if not known:
            return st.just(parameters)
        return st.one_of(st.just(parameters), st.fixed_dictionaries({**parameters, **known}))

    @schema.hook
    def flatmap_case(context: Any, case: Any) -> Any:
        # Some ballots with a real code from the letters and an allowed choice, so the
        # ballot box answers 201, then 409 for the code used again, not only refusals.
        if not case.operation.path.endswith("/ballots") or not demo_city["ballot"]:
            return st.just(case)

        def allowed(ballot: tuple[int, str, int]) -> Any:
            vote_id, code, option = ballot
            case.path_parameters = {"vote_id": vote_id}
            case.body = {"code": code, "choices": [option]}
            return case

        return st.one_of(st.just(case), st.sampled_from(demo_city["ballot"]).map(allowed))

    return schema


def test_every_api_answer_is_one_the_openapi_document_promises(api_schema: Any) -> None:
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15, "every operation of the API is fuzzed"
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, hooks=api_schema.hooks),
            operation.as_strategy(GenerationMode.NEGATIVE, hooks=api_schema.hooks),
        )

        @BUDGET
        @given(case=cases)
        def answer_as_documented(case: Any) -> None:
            response = case.call()
            case.validate_response(response, checks=CHECKS)

        try:
            answer_as_documented()
        # Every operation is tried; the failures are listed together below.
        except (Exception, FailureGroup) as failure:
            failures[operation.label] = f"{type(failure).__name__}: {failure}"[:3000]
    assert failures == {}


def test_linked_api_calls_keep_the_documented_promises(api_schema: Any) -> None:
    """Stateful: a list's ids lead to the records' pages and to the ballot box (links that
    schemathesis infers from the document), and every step's answer is as documented."""

    class LinkedCalls(api_schema.as_state_machine()):  # type: ignore[misc]
        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    LinkedCalls.run(settings=settings(BUDGET, max_examples=15, stateful_step_count=6))
