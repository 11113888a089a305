"""The charter's rules over contracts (P2, P3), whose findings count toward the projects, and
the gates of a contract's lifecycle (days in public before the council, a decision, the
city's time to withdraw)."""

import re
from collections.abc import Mapping
from datetime import date, timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Finding, Outcome, Status, evaluate, rule, worst_of_linked
from offenestadt.charter.gates import GateRefusedError, Problem, gate_blockers
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    CONTRACT_MIN_PUBLIC_DAYS,
    INFORMATION_FREEDOM_LAW,
    REDACTION_BASIS_PERSONAL_DATA,
    REDACTION_BASIS_SECURITY,
    REDACTION_BASIS_TRADE_SECRET,
    REDACTION_JUSTIFICATION_MIN_CHARACTERS,
    THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD,
    ParameterDeclaration,
    parameter_value,
)
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    ContractStatus,
    DataOwner,
    Location,
    Redaction,
    RedactionReason,
)
from offenestadt.core.countries import is_third_country
from offenestadt.council.selectors import deliberation
from offenestadt.opendata.filescan import services as filescan
from offenestadt.opendata.filescan.models import FileScan
from offenestadt.registry.models import Project


def _contract_field(contract: Contract, field_name: str) -> str:
    """A finding's or refusal's fix: the contract's form, at the field that fixes it."""
    return reverse("contracts:contract_edit", args=[contract.pk]) + f"#id_{field_name}"


@rule(
    Contract,
    "data-owned-by-city",
    description=_("Der Vertrag legt fest, dass die Daten der Stadt gehören."),
)
def data_owned_by_city(contract: Contract, charter: CharterVersion) -> Outcome:
    fix = _contract_field(contract, "data_owner")
    if not contract.data_owner:
        return Outcome(Status.MISSING, _("Der Vertrag sagt nicht, wem die Daten gehören."), fix=fix)
    if contract.data_owner != DataOwner.CITY:
        return Outcome(
            Status.VIOLATED,
            _("Die Daten gehören nach dem Vertrag nicht der Stadt. Sie müssen der Stadt gehören."),
            fix=fix,
        )
    return Outcome(Status.MET, _("Die Daten gehören der Stadt."))


# What a safeguard field holds when the contract in fact names none.
NO_SAFEGUARD = frozenset(
    {"-", "–", "—", "?", "keine", "kein", "nein", "entfällt", "offen", "unbekannt", "none", "n/a"}
)


def states_safeguard(text: str) -> bool:
    """Whether ``text`` names a safeguard at all (not "keine", "-", "unbekannt" …)."""
    words = text.strip().casefold().rstrip(".")
    return bool(words) and words not in NO_SAFEGUARD


def _joined(items: list[Promise]) -> Promise:
    """The items, comma-separated, translated when the message is."""
    return format_lazy(", ".join("{}" for _item in items), *items)


def _place(kind: Promise | str, who: str, country: str) -> Promise:
    return format_lazy("{kind}: {who} ({country})", kind=kind, who=who, country=country or "?")


def _clause_form(contract: Contract, kind: str, clause_pk: int) -> str:
    """A finding's fix: the form of one data clause (``kind`` as in its address)."""
    return reverse("contracts:clause_edit", args=[contract.pk, kind, clause_pk])


def data_flows(contract: Contract) -> list[tuple[Promise, str, str, str]]:
    """Every way the contract's data reaches a country: where it is processed or stored,
    which sub-processors handle it, and who reaches it from afar (remote access, support).

    Each as (what, country, safeguard, the form of its clause); the country is empty where
    the contract leaves it open. Access on site happens where the data is, so it adds no
    country of its own.
    """
    vendor = contract.vendor.legal_name if contract.vendor else ""
    flows = [
        (
            _place(
                Location(location.kind).label,
                location.operator or location.data_centre or location.city or vendor,
                location.country,
            ),
            location.country,
            location.safeguard,
            _clause_form(contract, "ort", location.pk),
        )
        for location in contract.locations.all()
    ]
    flows += [
        (
            _place(_("Unterauftragnehmer"), sub.name, sub.country),
            sub.country,
            sub.safeguard,
            _clause_form(contract, "unterauftragnehmer", sub.pk),
        )
        for sub in contract.subprocessors.all()
    ]
    flows += [
        (
            _place(_("Fernzugriff"), access.organisation, access.country),
            access.country,
            access.safeguard,
            _clause_form(contract, "zugriff", access.pk),
        )
        for access in contract.accesses.all()
        if access.mode == AccessMode.REMOTE
    ]
    return flows


@rule(
    Contract,
    "data-stays-in-eu",
    description=_(
        "Die Daten bleiben in EU/EWR, oder jeder Weg hinaus (Orte der Verarbeitung und "
        "Speicherung, Unterauftragnehmer, Fernzugriff) nennt eine Garantie."
    ),
    parameters=(THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD,),
)
def data_stays_in_eu(contract: Contract, charter: CharterVersion) -> Outcome:
    """Data stays in the EU/EEA, or each way it leaves has a stated safeguard: places of
    processing and storage, sub-processors, and remote access (a transfer too)."""
    if not contract.locations.exists():
        return Outcome(
            Status.MISSING,
            _("Es fehlt, wo die Daten verarbeitet und gespeichert werden."),
            fix=reverse("contracts:clause_add", args=[contract.pk, "ort"]),
        )
    flows = data_flows(contract)
    unsafe = [
        (what, form)
        for what, country, safeguard, form in flows
        if is_third_country(country) and not states_safeguard(safeguard)
    ]
    if parameter_value(charter, THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD) and unsafe:
        return Outcome(
            Status.VIOLATED,
            _("Außerhalb von EU/EWR ohne benannte Garantie: %(names)s."),
            {"names": _joined([what for what, _form in unsafe])},
            fix=f"{unsafe[0][1]}#id_safeguard",
        )
    unknown = [(what, form) for what, country, _safeguard, form in flows if not country]
    if unknown:
        return Outcome(
            Status.MISSING,
            _("Es fehlt, aus welchem Land: %(names)s."),
            {"names": _joined([what for what, _form in unknown])},
            fix=f"{unknown[0][1]}#id_country",
        )
    return Outcome(
        Status.MET,
        _(
            "Die Daten bleiben in EU/EWR, auch bei Unterauftragnehmern und Fernzugriff, oder "
            "sind durch eine Garantie geschützt."
        ),
    )


@rule(
    Contract,
    "access-listed",
    description=_("Der Vertrag nennt, wer auf die Daten zugreifen kann."),
)
def access_listed(contract: Contract, charter: CharterVersion) -> Outcome:
    if not contract.accesses.exists():
        return Outcome(
            Status.MISSING,
            _("Es fehlt, wer auf die Daten zugreifen kann."),
            fix=reverse("contracts:clause_add", args=[contract.pk, "zugriff"]),
        )
    return Outcome(Status.MET, _("Es steht fest, wer auf die Daten zugreifen kann."))


# The charter parameter that names each category's provision in the law it names.
REDACTION_BASIS_PARAMETERS: dict[str, ParameterDeclaration[str]] = {
    RedactionReason.PERSONAL_DATA: REDACTION_BASIS_PERSONAL_DATA,
    RedactionReason.TRADE_SECRET: REDACTION_BASIS_TRADE_SECRET,
    RedactionReason.SECURITY: REDACTION_BASIS_SECURITY,
}
# A justification needs this many words of its own beyond the stock words below.
JUSTIFICATION_MIN_OWN_WORDS = 3
# Words that name secrecy without saying what is protected or why; they do not count.
STOCK_WORDS = frozenset(
    {
        *("vertraulich", "vertrauliche", "vertraulicher", "vertraulichkeit", "geheim"),
        *("geheime", "geheimhaltung", "intern", "interne", "internes", "nichtöffentlich"),
        *("geschäftsgeheimnis", "geschäftsgeheimnisse", "betriebsgeheimnis", "datenschutz"),
        *("sicherheit", "sicherheitsgründe", "sicherheitsgründen", "schutzwürdig", "sensibel"),
        *("confidential", "confidentiality", "secret", "internal", "sensitive", "privacy"),
        *("aus", "gründen", "grund", "wegen", "der", "die", "das", "des", "und", "oder"),
        *("nicht", "öffentlich", "ist", "sind", "nur", "für", "zum", "zur", "siehe", "gemäß"),
        *("nach", "vertrag", "anlage", "reasons", "for", "not", "public", "the", "of"),
    }
)


def redaction_legal_basis(category: str, charter: CharterVersion | None) -> str:
    """The provision and law the charter names for a redaction of ``category``, e.g.
    "§ 8 Informationsfreiheitsgesetz Nordrhein-Westfalen (IFG NRW)"; empty when it names
    none."""
    if category not in REDACTION_BASIS_PARAMETERS:
        return ""
    law = parameter_value(charter, INFORMATION_FREEDOM_LAW).strip()
    provision = parameter_value(charter, REDACTION_BASIS_PARAMETERS[category]).strip()
    return f"{provision} {law}" if law and provision else ""


def justification_problem(text: str, charter: CharterVersion | None) -> str:
    """Why ``text`` is no specific justification ("" when it is one): too short, or
    nothing but stock words such as "vertraulich"."""
    minimum = parameter_value(charter, REDACTION_JUSTIFICATION_MIN_CHARACTERS)
    collapsed = " ".join(text.split())
    if len(collapsed) < minimum:
        return str(
            _(
                "Begründen Sie konkret, in mindestens %(minimum)s Zeichen: was die Stelle "
                "schützt und warum das hier zutrifft."
            )
            % {"minimum": minimum}
        )
    words = {word.casefold() for word in re.findall(r"[^\W\d_]{3,}", collapsed)}
    if len(words - STOCK_WORDS) < JUSTIFICATION_MIN_OWN_WORDS:
        return str(
            _(
                "„Vertraulich“, „geheim“ oder „intern“ sind keine Begründung: sagen Sie, was "
                "die Stelle schützt und warum das hier zutrifft."
            )
        )
    return ""


def redaction_problems(redaction: Redaction, charter: CharterVersion | None) -> dict[str, str]:
    """What keeps a redaction from being justified, by field: a category, its legal basis
    in the charter's law, and a specific justification. Empty when it is justified."""
    problems: dict[str, str] = {}
    if not redaction.category:
        problems["category"] = str(
            _("Wählen Sie, was die Schwärzung schützt (mit ihrer Rechtsgrundlage).")
        )
    elif not redaction.legal_basis.strip():
        problems["category"] = str(
            _(
                "Für diese Begründungsart nennt die Charta keine Rechtsgrundlage; speichern "
                "Sie die Schwärzung erneut, sobald sie eine nennt."
            )
        )
    if problem := justification_problem(redaction.reason, charter):
        problems["reason"] = problem
    return problems


@rule(
    Contract,
    "redactions-justified",
    description=_(
        "Jede Schwärzung im Vertrag nennt, was sie schützt, ihre Rechtsgrundlage und eine konkrete"
        " öffentliche Begründung."
    ),
    parameters=(REDACTION_JUSTIFICATION_MIN_CHARACTERS,),
)
def redactions_justified(contract: Contract, charter: CharterVersion) -> Outcome:
    """Every redaction names what it protects, the provision of the charter's law that
    allows it, and a specific justification; "vertraulich" alone is none."""
    redactions = list(contract.redactions.all())
    unjustified = [r for r in redactions if redaction_problems(r, charter)]
    if unjustified:
        first = unjustified[0]
        return Outcome(
            Status.VIOLATED,
            _(
                "Schwärzungen ohne Begründungsart mit Rechtsgrundlage und konkrete Begründung: "
                "%(passages)s."
            ),
            {"passages": ", ".join(r.passage for r in unjustified)},
            fix=reverse("contracts:clause_edit", args=[contract.pk, "schwaerzung", first.pk])
            + "#id_reason",
        )
    if redactions:
        return Outcome(
            Status.MET,
            _("Jede Schwärzung ist mit Rechtsgrundlage und konkret öffentlich begründet."),
        )
    return Outcome(Status.NOT_APPLICABLE, _("Der Vertrag hat keine Schwärzungen."))


def _contracts_of(project: Project, charter: CharterVersion, counting: str) -> Outcome:
    """The worst finding of the project's contracts of the checks ``counting`` counts."""
    return worst_of_linked(
        list(project.contracts.all()),
        charter,
        counting,
        met=_("Die Verträge des Projekts erfüllen den Grundsatz."),
        none=_("Das Projekt hat keine Verträge mit Befunden dazu."),
    )


@rule(
    Project,
    "contracts-keep-data-with-city",
    description=_(
        "Die Verträge des Projekts bestehen ihre Prüfungen zur Datenhoheit; es zählt der "
        "schlechteste Befund unter ihnen."
    ),
    counts=("data-owned-by-city", "data-stays-in-eu", "access-listed"),
)
def contracts_keep_data_with_city(project: Project, charter: CharterVersion) -> Outcome:
    return _contracts_of(project, charter, "contracts-keep-data-with-city")


@rule(
    Project,
    "contracts-open",
    description=_(
        "Die Verträge des Projekts bestehen ihre Prüfungen zur Transparenz; es zählt der "
        "schlechteste Befund unter ihnen."
    ),
    counts=("redactions-justified",),
)
def contracts_open(project: Project, charter: CharterVersion) -> Outcome:
    return _contracts_of(project, charter, "contracts-open")


# --- the gates of a contract's lifecycle ---------------------------------------------------


def contract_gate(*, contract: Contract, to: ContractStatus, today: date) -> None:
    """Let the contract move on to ``to`` on ``today``, or raise GateRefusedError with what is
    missing (see :func:`contract_refusal`)."""
    refusal = contract_refusal(
        contract=contract, to=to, today=today, charter=CharterVersion.objects.in_force()
    )
    if refusal is not None:
        raise refusal


def _decided_in_council(contract: Contract, today: date) -> bool:
    """Whether the council information system records the decision on a linked paper."""
    found = (deliberation(paper, today) for paper in contract.council_papers.all())
    return any(meeting is not None and meeting.decided for meeting in found)


def contract_refusal(
    *,
    contract: Contract,
    to: ContractStatus,
    today: date,
    charter: CharterVersion | None,
    scans: Mapping[str, FileScan | None] | None = None,
) -> GateRefusedError | None:
    """What refuses the contract's move to ``to`` on ``today`` under ``charter`` (None: it
    may move). ``scans``: the current scan of each public file, when known already.

    Publication starts the clock: the contract goes to the council only after the charter's
    minimum days in public, counted both today and up to its meeting, and only when the
    charter's gating principles have no violated or unproven finding (data owned by the
    city, data in the EU, access listed, redactions justified). Publishing needs a public
    document cleared of personal data; a decision needs the council's reference; the
    contract takes effect only once the city's time to withdraw is over.
    """
    if to not in contract.next_statuses():
        return GateRefusedError(
            [
                gettext("Von „%(current)s“ geht es nicht nach „%(target)s“.")
                % {"current": contract.get_status_display(), "target": to.label}
            ]
        )
    problems = []
    blockers: list[Finding] = []
    if to == ContractStatus.DELIBERATION:
        minimum = parameter_value(charter, CONTRACT_MIN_PUBLIC_DAYS)
        if (contract.days_public(today) or 0) < minimum:
            # A waiting period: told as the day it ends, counted as days_public counts.
            since = timezone.localdate(contract.published_at) if contract.published_at else today
            problems.append(
                gettext(
                    "Der Vertrag ist seit dem %(since)s öffentlich; vor der Beratung müssen es "
                    "mindestens %(minimum)s Tage sein, beraten werden kann er also frühestens "
                    "am %(earliest)s."
                )
                % {
                    "since": formats.date_format(since, "DATE_FORMAT"),
                    "minimum": minimum,
                    "earliest": formats.date_format(since + timedelta(days=minimum), "DATE_FORMAT"),
                }
            )
        meeting = contract.council_deliberation(today)
        meeting_date = contract.council_date(today)
        if meeting_date is None or not (meeting or contract.council_body):
            problems.append(
                Problem(
                    gettext("Tragen Sie Gremium und Sitzungstag der Beratung ein."),
                    _contract_field(contract, "council_body"),
                )
            )
        elif (contract.days_public(meeting_date) or 0) < minimum:
            # The minimum is before the council deliberates, not before this click.
            problems.append(
                Problem(
                    gettext(
                        "Bis zur Sitzung am %(date)s ist der Vertrag nur %(days)s Tage "
                        "öffentlich; vor der Beratung müssen es mindestens %(minimum)s Tage sein."
                    )
                    % {
                        "date": formats.date_format(meeting_date, "DATE_FORMAT"),
                        "days": contract.days_public(meeting_date) or 0,
                        "minimum": minimum,
                    },
                    _contract_field(contract, "council_papers" if meeting else "meeting_date"),
                )
            )
        if charter is not None:
            blockers = gate_blockers(evaluate(contract, charter), charter)
    if (
        to in {ContractStatus.DECIDED, ContractStatus.SIGNED}
        and not contract.decision_reference
        and not _decided_in_council(contract, today)
    ):
        problems.append(
            Problem(
                gettext("Ohne Beschluss des Gremiums kann der Vertrag nicht weiter."),
                _contract_field(contract, "decision_reference"),
            )
        )
    if (
        to == ContractStatus.ACTIVE
        and contract.withdrawal_until is not None
        and today < contract.withdrawal_until
    ):
        problems.append(
            gettext(
                "Der Vertrag wird frühestens am %(date)s wirksam; bis dahin kann die Stadt "
                "zurücktreten."
            )
            % {"date": formats.date_format(contract.withdrawal_until, "DATE_FORMAT")}
        )
    if contract.published_at is None and to == ContractStatus.PUBLISHED:
        problems.extend(
            filescan.publication_problems(
                contract, label=gettext("Die öffentliche Fassung"), scans=scans
            )
        )
    if problems or blockers:
        return GateRefusedError(problems, blockers)
    return None


def gates_ahead(contract: Contract, today: date) -> list[tuple[ContractStatus, GateRefusedError]]:
    """What each of the contract's next steps would meet today, shown above the form that
    asks for the step before anyone fills it in: the refusals, by the step they refuse."""
    ahead = []
    for to in contract.next_statuses():
        try:
            contract_gate(contract=contract, to=to, today=today)
        except GateRefusedError as refusal:
            ahead.append((to, refusal))
    return ahead
