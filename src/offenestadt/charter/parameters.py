"""The charter's rule parameters, declared once: what each one means, its type, its unit and
the value the rules use when a charter does not set it.

A charter sets a check's parameters where one of its principles binds the check (the
principle's ``parameters`` table in its TOML), so a check bound by two principles may run
with two values; the parameters of the platform's procedures that no check reads (the days a
contract waits before it takes effect) stand in the charter's ``procedures`` table. Loading a
charter checks every key and value against these declarations. Everything reads a value only
through :func:`parameter_value`, so no default is written anywhere else.
"""

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from offenestadt.charter.models import CharterVersion


# A parameter's unit as the pages write it (the declarations name it in English).
UNIT_LABELS: dict[str, Promise] = {
    "days": _("Tage"),
    "months": _("Monate"),
    "characters": _("Zeichen"),
}


@dataclass(frozen=True)
class ParameterDeclaration[T]:
    key: str
    # What the parameter is called on the platform's pages (German, translated).
    label: str | Promise
    # The type a charter's value must have (bool, int or str); ``default`` may also be None.
    kind: type[bool | int | str]
    # The unit the rules read the value in ("" for a switch or a text).
    unit: str
    # The value the rules use when the charter in force does not set the parameter.
    default: T
    description: str

    def unit_label(self) -> str | Promise:
        return UNIT_LABELS.get(self.unit, self.unit)

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has the declared type (a yes/no is no number)."""
        if isinstance(value, bool):
            return self.kind is bool
        return isinstance(value, self.kind)


MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION: ParameterDeclaration[int | None] = ParameterDeclaration(
    key="max_retention_months_without_justification",
    label=_("Längste Speicherdauer ohne schriftliche Begründung"),
    kind=int,
    unit="months",
    default=None,
    description="Longest retention of personal data without a written justification "
    "(unset: no limit is checked).",
)
THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD = ParameterDeclaration(
    key="third_country_transfer_needs_safeguard",
    label=_("Übermittlung in Drittländer nur mit Garantie"),
    kind=bool,
    unit="",
    default=True,
    description="Processing outside the EU/EEA only with a stated safeguard.",
)
PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION = ParameterDeclaration(
    key="project_min_public_days_before_decision",
    label=_("Mindestdauer der Veröffentlichung eines Projekts vor der Entscheidung"),
    kind=int,
    unit="days",
    default=0,
    description="Minimum number of days a project is public before it is decided.",
)
CONTRACT_MIN_PUBLIC_DAYS = ParameterDeclaration(
    key="contract_min_public_days",
    label=_("Mindestdauer der Veröffentlichung eines Vertrags vor der Beratung"),
    kind=int,
    unit="days",
    default=0,
    description="Minimum number of days a planned contract is public before a council body "
    "deliberates it.",
)
CONTRACT_EFFECTIVE_AFTER_DAYS = ParameterDeclaration(
    key="contract_effective_after_days",
    label=_("Frist zwischen Veröffentlichung und Wirksamkeit eines Vertrags"),
    kind=int,
    unit="days",
    default=30,
    description="A contract takes effect no earlier than this many days after its publication; "
    "until then the city may withdraw.",
)
INFORMATION_FREEDOM_LAW = ParameterDeclaration(
    key="information_freedom_law",
    label=_("Gesetz, nach dem Schwärzungen in Verträgen begründet werden"),
    kind=str,
    unit="",
    default="",
    description="The transparency or freedom-of-information law under which redactions in "
    "contracts are justified (empty: redactions get no legal basis).",
)
REDACTION_BASIS_PERSONAL_DATA = ParameterDeclaration(
    key="redaction_basis_personal_data",
    label=_("Vorschrift zum Schutz personenbezogener Daten Dritter"),
    kind=str,
    unit="",
    default="",
    description="The provision of that law protecting third parties' personal data.",
)
REDACTION_BASIS_TRADE_SECRET = ParameterDeclaration(
    key="redaction_basis_trade_secret",
    label=_("Vorschrift zum Schutz von Betriebs- und Geschäftsgeheimnissen"),
    kind=str,
    unit="",
    default="",
    description="The provision of that law protecting trade and business secrets.",
)
REDACTION_BASIS_SECURITY = ParameterDeclaration(
    key="redaction_basis_security",
    label=_("Vorschrift zum Schutz der öffentlichen Sicherheit"),
    kind=str,
    unit="",
    default="",
    description="The provision of that law protecting public security.",
)
REDACTION_JUSTIFICATION_MIN_CHARACTERS = ParameterDeclaration(
    key="redaction_justification_min_characters",
    label=_("Mindestlänge der Begründung einer Schwärzung"),
    kind=int,
    unit="characters",
    # Long enough for one sentence that says what and why.
    default=40,
    description="Minimum length of a redaction's specific justification.",
)
FREE_TRAINING_REQUIRED = ParameterDeclaration(
    key="free_training_required",
    label=_("Kostenlose Schulung für jedes Projekt"),
    kind=bool,
    unit="",
    default=False,
    description="Every project needs a free training offer.",
)
NON_DIGITAL_CHANNEL_LOSS_IS_VIOLATION = ParameterDeclaration(
    key="non_digital_channel_loss_is_violation",
    label=_("Wegfall eines nicht-digitalen Zugangswegs ist ein Verstoß"),
    kind=bool,
    unit="",
    default=True,
    description="Losing a non-digital access channel is a breach.",
)
PUBLIC_FUNDING_REQUIRES_PUBLIC_OWNERSHIP = ParameterDeclaration(
    key="public_funding_requires_public_ownership",
    label=_("Öffentlich geförderte Infrastruktur in öffentlicher Hand"),
    kind=bool,
    unit="",
    default=True,
    description="Publicly funded infrastructure must be publicly owned.",
)
PUBLIC_CODE_REQUIRES_OSI_LICENCE = ParameterDeclaration(
    key="public_code_requires_osi_licence",
    label=_("Öffentlich geförderter Code mit OSI-Lizenz und öffentlichem Repository"),
    kind=bool,
    unit="",
    default=True,
    description="Publicly funded code needs an OSI-approved licence and a public repository.",
)

# Every parameter a charter may set, by key.
DECLARED: dict[str, ParameterDeclaration[Any]] = {
    declaration.key: declaration
    for declaration in (
        MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION,
        THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD,
        PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION,
        CONTRACT_MIN_PUBLIC_DAYS,
        CONTRACT_EFFECTIVE_AFTER_DAYS,
        INFORMATION_FREEDOM_LAW,
        REDACTION_BASIS_PERSONAL_DATA,
        REDACTION_BASIS_TRADE_SECRET,
        REDACTION_BASIS_SECURITY,
        REDACTION_JUSTIFICATION_MIN_CHARACTERS,
        FREE_TRAINING_REQUIRED,
        NON_DIGITAL_CHANNEL_LOSS_IS_VIOLATION,
        PUBLIC_FUNDING_REQUIRES_PUBLIC_OWNERSHIP,
        PUBLIC_CODE_REQUIRES_OSI_LICENCE,
    )
}


# The parameters of the binding whose check runs now (set by the engine while it runs one).
_BINDING: ContextVar[Mapping[str, Any] | None] = ContextVar("charter_binding", default=None)


@contextlib.contextmanager
def bound(values: Mapping[str, Any]) -> Iterator[None]:
    """While a check runs for one binding: it reads that binding's values (or the defaults)."""
    token = _BINDING.set(values)
    try:
        yield
    finally:
        _BINDING.reset(token)


def parameter_value[T](charter: "CharterVersion | None", declaration: ParameterDeclaration[T]) -> T:
    """The value of the declared parameter: while a check runs, the value its binding sets;
    elsewhere (a form's hint, a deadline, a procedure) the value the charter's procedures
    set or else the first of its principles that sets one. The default when nothing sets it.
    Loading a charter refuses a value of another type; should a stored version still hold
    one, the default counts."""
    binding = _BINDING.get()
    if binding is not None:
        candidates = [binding]
    elif charter is not None:
        document = charter.document
        candidates = [document["procedures"]] + [p["parameters"] for p in document["principles"]]
    else:
        candidates = []
    for values in candidates:
        if declaration.key in values:
            value = values[declaration.key]
            return value if declaration.accepts(value) else declaration.default
    return declaration.default


def parameter_labels() -> dict[str, str | Promise]:
    """Every declared parameter's name on the pages, by key."""
    return {key: declaration.label for key, declaration in DECLARED.items()}
