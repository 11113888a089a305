"""The council's annual report: the state of every principle at the year's end, the gates
passed by council decision despite findings, the contracts signed and where their data goes,
the deletions on schedule and the procedures whose results came out. Everything in it is
public; it is read as a visitor without an account would see it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from offenestadt.charter.engine import Finding, Status
from offenestadt.charter.mentions import Mentions
from offenestadt.charter.models import CharterVersion, Principle
from offenestadt.charter.selectors import charter_in_force, first_adopted_on
from offenestadt.contracts.models import Contract
from offenestadt.contracts.selectors import DataRegion, contract_data_region, contracts_signed_in
from offenestadt.participation.procedures.figures import ChannelMix, channel_mixes
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.procedures.selectors import procedures_reported_in
from offenestadt.processing.selectors import Deletions, deletions_in
from offenestadt.registry.models import CouncilOverride
from offenestadt.registry.selectors import council_overrides_recorded_in, standings_on

# A report for a year before this would be about a programme that did not exist.
FIRST_YEAR = 2000
# How many years back the dashboard links reports.
LINKED_YEARS = 10
STATUSES = [Status.MET, Status.VIOLATED, Status.MISSING, Status.NOT_APPLICABLE]


def check_year(year: int) -> None:
    """Refuse a year the report cannot be about (ValueError with a sentence saying why)."""
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise ValueError(
            _(
                "Einen Jahresbericht gibt es für die Jahre %(first)s bis %(last)s, "
                "nicht für %(year)s."
            )
            % {"first": FIRST_YEAR, "last": this_year, "year": year}
        )


def parse_year(text: str) -> int:
    """The year in ``text`` (as typed on the command line), checked."""
    try:
        year = int(text.strip())
    except ValueError:
        raise ValueError(
            _("„%(text)s“ ist keine Jahreszahl; geben Sie das Jahr vierstellig an, etwa %(year)s.")
            % {"text": text, "year": timezone.localdate().year}
        ) from None
    check_year(year)
    return year


def report_years(now: datetime) -> list[int]:
    """The years with a report, newest first: since the first charter, at most ten."""
    this_year = timezone.localtime(now).year
    first = first_adopted_on()
    since = max(first.year if first else this_year, this_year - LINKED_YEARS + 1, FIRST_YEAR)
    return list(range(this_year, since - 1, -1))


@dataclass(frozen=True)
class PrincipleState:
    principle: Principle
    counts: list[tuple[Status, int]]


@dataclass(frozen=True)
class OverrideEntry:
    override: CouncilOverride
    findings: list[Finding]


@dataclass(frozen=True)
class ContractEntry:
    contract: Contract
    region: DataRegion
    places: list[str]


@dataclass(frozen=True)
class ProcedureEntry:
    procedure: Procedure
    mix: ChannelMix


@dataclass(frozen=True)
class AnnualReport:
    year: int
    generated_at: datetime
    # The moment the principles' state is told for: the year's end, or now within the year.
    as_of: datetime
    charter: CharterVersion | None
    principles: list[PrincipleState]
    overrides: list[OverrideEntry]
    contracts: list[ContractEntry]
    deletions: Deletions
    procedures: list[ProcedureEntry]

    @property
    def is_complete(self) -> bool:
        """Whether the year is over (else the report tells the year so far)."""
        return self.as_of < self.generated_at


def _year_end(year: int) -> datetime:
    start_of_next = datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    return start_of_next - timedelta(microseconds=1)


def _principles(charter: CharterVersion | None, as_of: datetime) -> list[PrincipleState]:
    counts = standings_on([as_of])[as_of]
    return [
        PrincipleState(principle, [(s, counts.get((principle.id, s), 0)) for s in STATUSES])
        for principle in (charter.principles() if charter else [])
    ]


def _overrides(year: int) -> list[OverrideEntry]:
    overrides = list(council_overrides_recorded_in(year))
    mentions = Mentions.of(
        AnonymousUser(), stored=[f for override in overrides for f in override.overridden_findings]
    )
    return [
        OverrideEntry(
            override,
            [Finding.from_dict(data) for data in mentions.stored(override.overridden_findings)],
        )
        for override in overrides
    ]


def contract_places(contract: Contract) -> list[str]:
    """Where the contract's data goes, each place in words with its country."""
    unknown = _("Land offen")
    return [
        *(str(location) for location in contract.locations.all()),
        *(
            _("Unterauftragnehmer %(name)s (%(country)s)")
            % {"name": sub.name, "country": sub.country or unknown}
            for sub in contract.subprocessors.all()
        ),
        *(
            _("Zugriff aus der Ferne: %(name)s (%(country)s)")
            % {"name": access.organisation, "country": access.country or unknown}
            for access in contract.remote_accesses  # type: ignore[attr-defined]
        ),
    ]


def _contracts(year: int) -> list[ContractEntry]:
    return [
        ContractEntry(contract, contract_data_region(contract), contract_places(contract))
        for contract in contracts_signed_in(year)
    ]


def _procedures(year: int) -> list[ProcedureEntry]:
    procedures = list(procedures_reported_in(year))
    mixes = channel_mixes(procedure.pk for procedure in procedures)
    return [ProcedureEntry(procedure, mixes[procedure.pk]) for procedure in procedures]


def annual_report(year: int, *, now: datetime | None = None) -> AnnualReport:
    """The report for ``year`` (checked with :func:`check_year` before)."""
    generated_at = now or timezone.now()
    as_of = min(_year_end(year), generated_at)
    charter = charter_in_force(on=timezone.localtime(as_of).date())
    return AnnualReport(
        year=year,
        generated_at=generated_at,
        as_of=as_of,
        charter=charter,
        principles=_principles(charter, as_of),
        overrides=_overrides(year),
        contracts=_contracts(year),
        deletions=deletions_in(year),
        procedures=_procedures(year),
    )


def report_html(report: AnnualReport) -> str:
    """The report as a document of its own (HTML), its links absolute, for the file or the mail."""
    return render_to_string(
        "overview/report_document.html",
        {
            "report": report,
            "operator_name": settings.OPERATOR_NAME,
            "site_url": settings.SITE_URL,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
        },
    )
