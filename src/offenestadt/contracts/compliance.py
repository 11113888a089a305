"""The charter's rules over contracts (P2, P3); their findings count toward the projects."""

from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Outcome, Status, rule, worst_of_linked
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts.models import EU_EEA_COUNTRIES, Contract, DataOwner
from offenestadt.registry.models import Project


@rule(Contract, "P2", "data-owned-by-city")
def data_owned_by_city(contract: Contract, charter: CharterVersion) -> Outcome:
    if not contract.data_owner:
        return Outcome(Status.MISSING, _("Der Vertrag sagt nicht, wem die Daten gehören."))
    if contract.data_owner != DataOwner.CITY:
        return Outcome(
            Status.VIOLATED,
            _("Die Daten gehören nach dem Vertrag nicht der Stadt. Sie müssen der Stadt gehören."),
        )
    return Outcome(Status.MET, _("Die Daten gehören der Stadt."))


@rule(Contract, "P2", "data-stays-in-eu")
def data_stays_in_eu(contract: Contract, charter: CharterVersion) -> Outcome:
    places = [
        (str(location), location.country, location.safeguard)
        for location in contract.locations.all()
    ] + [(sub.name, sub.country, sub.safeguard) for sub in contract.subprocessors.all()]
    if not places:
        return Outcome(
            Status.MISSING, _("Es fehlt, wo die Daten verarbeitet und gespeichert werden.")
        )
    unsafe = [
        name
        for name, country, safeguard in places
        if country not in EU_EEA_COUNTRIES and not safeguard
    ]
    if unsafe and charter.parameter("third_country_transfer_needs_safeguard", True):
        return Outcome(
            Status.VIOLATED,
            _("Außerhalb von EU/EWR ohne benannte Garantie: %(names)s."),
            {"names": ", ".join(unsafe)},
        )
    return Outcome(
        Status.MET, _("Die Daten bleiben in EU/EWR oder sind durch eine Garantie geschützt.")
    )


@rule(Contract, "P2", "access-listed")
def access_listed(contract: Contract, charter: CharterVersion) -> Outcome:
    if not contract.accesses.exists():
        return Outcome(Status.MISSING, _("Es fehlt, wer auf die Daten zugreifen kann."))
    return Outcome(Status.MET, _("Es steht fest, wer auf die Daten zugreifen kann."))


@rule(Contract, "P3", "redactions-justified")
def redactions_justified(contract: Contract, charter: CharterVersion) -> Outcome:
    redactions = list(contract.redactions.all())
    unjustified = [r.passage for r in redactions if not r.is_justified]
    if unjustified:
        return Outcome(
            Status.VIOLATED,
            _("Schwärzungen ohne öffentliche Begründung: %(passages)s."),
            {"passages": ", ".join(unjustified)},
        )
    if redactions:
        return Outcome(Status.MET, _("Jede Schwärzung ist öffentlich begründet."))
    return Outcome(Status.NOT_APPLICABLE, _("Der Vertrag hat keine Schwärzungen."))


def _contracts_of(project: Project, charter: CharterVersion, principle: str) -> Outcome:
    """The worst finding of the project's contracts under ``principle``."""
    return worst_of_linked(
        list(project.contracts.all()),
        charter,
        principle,
        met=_("Die Verträge des Projekts erfüllen den Grundsatz."),
        none=_("Das Projekt hat keine Verträge mit Befunden dazu."),
    )


@rule(Project, "P2", "contracts-keep-data-with-city")
def contracts_keep_data_with_city(project: Project, charter: CharterVersion) -> Outcome:
    return _contracts_of(project, charter, "P2")


@rule(Project, "P3", "contracts-open")
def contracts_open(project: Project, charter: CharterVersion) -> Outcome:
    return _contracts_of(project, charter, "P3")
