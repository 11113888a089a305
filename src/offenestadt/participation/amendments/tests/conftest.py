"""The procedure about the charter that the tests of amendments make proposals in."""

import pytest

from offenestadt.charter.models import CharterVersion
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.proposals.tests.proposal_setup import running_procedure


@pytest.fixture
def charter_procedure(charter: CharterVersion) -> Procedure:
    return running_procedure(None, slug="charta-2026", amends_charter=True)
