"""The pages that restructure the charter meet WCAG 2.1 AA on every screen, in German and
English: the comparison of versions that regroup principles and checks, the proposal form of
a procedure about the charter with its groups of fields, and a proposal that moves a check."""

import copy
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from pytest_django.live_server_helper import LiveServer

from offenestadt.charter.demo import load_demo
from offenestadt.charter.document import write_charter
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_load
from offenestadt.core.tests.browser import axe_source
from offenestadt.core.tests.test_accessibility import assert_accessible_in_both_languages
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.participation.proposals.tests.proposal_setup import running_procedure

pytestmark = pytest.mark.browser


def _regrouped(charter: CharterVersion) -> CharterVersion:
    """The next version: P5 merged into P4, free-training moved to P3, P6 renamed, a new
    principle."""
    content: dict[str, Any] = copy.deepcopy(charter.document)
    content["charter"] |= {"version": charter.number + 1, "adopted_on": "2025-01-15"}
    principles = {item["id"]: item for item in content["principles"]}
    p3, p4, p5, p6 = (principles[identifier] for identifier in ("P3", "P4", "P5", "P6"))
    p4["checks"] += p5["checks"]
    p4["parameters"] |= p5["parameters"]
    content["principles"].remove(p5)
    p4["checks"].remove("free-training")
    p3["checks"].append("free-training")
    p3["parameters"]["free_training_required"] = p4["parameters"].pop("free_training_required")
    p6["title"] = {"de": "Netze in öffentlicher Hand", "en": "Networks in public hands"}
    texts = {"de": "Klima und Ressourcen", "en": "Climate and resources"}
    content["principles"].append(
        {"id": "klima", "gate": True, "title": texts, "description": texts, "plain": texts}
        | {"checks": [], "parameters": {}}
    )
    version, _ = charter_load(text=write_charter(content), actor=None)
    return version


@pytest.mark.crawl
def test_the_pages_that_restructure_the_charter_meet_wcag_21_aa(
    pytestconfig: pytest.Config,
    monkeypatch: pytest.MonkeyPatch,
    live_server: LiveServer,
    transactional_db: None,
) -> None:
    axe = axe_source(pytestconfig.rootpath)
    load_demo()
    charter = CharterVersion.objects.order_by("-number")[0]
    newer = _regrouped(charter)
    procedure = running_procedure(None, slug="charta-2026", amends_charter=True)
    proposal = proposals_services.proposal_create(
        actor=AnonymousUser(),
        procedure=procedure,
        title="Schulungen gehören zur Beteiligung",
        text="Eine Schulung ist Teil der Beteiligung.",
        charter_change={"check": "free-training", "bind": "klima", "release": "P3"},
    )
    german = [
        f"/charta/vergleich/?von={charter.number}&zu={newer.number}",
        f"/beteiligung/{procedure.slug}/vorschlaege/neu/",
        f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/",
    ]
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert_accessible_in_both_languages(live_server.url, german, axe)
