"""The charter's rule parameters, declared once: what each one means, its type, its unit and
the value the rules use when a charter does not set it.

A charter document sets parameters by key (``[[parameters]]`` in its TOML); loading it checks
every key and value against these declarations. The rules read a value only through
:func:`parameter_value`, so no default is written anywhere else.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from offenestadt.charter.models import CharterVersion


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


def parameter_value[T](charter: "CharterVersion | None", declaration: ParameterDeclaration[T]) -> T:
    """The value ``charter`` sets for the declared parameter; its default when there is no
    charter or it does not set the parameter. Loading a charter refuses a value of another
    type; should a stored version still hold one, the rules keep the default."""
    if charter is not None:
        for item in charter.content["parameters"]:
            if item["key"] == declaration.key and declaration.accepts(item["value"]):
                return item["value"]  # type: ignore[no-any-return]  # checked by accepts()
    return declaration.default


def parameter_labels() -> dict[str, str | Promise]:
    """Every declared parameter's name on the pages, by key."""
    return {key: declaration.label for key, declaration in DECLARED.items()}
