"""Every gate refuses with GateRefusedError: what is missing, then the findings that hold the
record back, readable as a ValidationError's messages."""

from django.core.exceptions import ValidationError

from offenestadt.charter.engine import Finding, Status
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import Localised


def test_a_refusal_lists_problems_then_findings() -> None:
    finding = Finding(
        principle="P3",
        rule="public-before-decision",
        status=Status.MISSING,
        message=Localised(de="Noch nicht öffentlich.", en="Not public yet."),
        fix_url="/projekte/x/",
    )
    refusal = GateRefusedError(["Wählen Sie eine Lizenz."], [finding])
    assert isinstance(refusal, ValidationError)
    assert refusal.problems == ["Wählen Sie eine Lizenz."]
    assert refusal.findings == [finding]
    assert refusal.messages == ["Wählen Sie eine Lizenz.", "P3: Noch nicht öffentlich."]
    assert str(refusal) == "Wählen Sie eine Lizenz.; P3: Noch nicht öffentlich."
