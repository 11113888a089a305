"""A contract's terms as readable text, and what changed since the public first saw them."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from offenestadt.contracts.models import Contract

# The fields whose change the public should see between publication and signature.
TERM_FIELDS = (
    "title",
    "purpose",
    "vendor",
    "value",
    "currency",
    "starts_on",
    "ends_on",
    "procurement_procedure",
    "data_owner",
    "secondary_use_prohibited",
    "audit_rights",
    "data_return_format",
    "deletion_at_end",
)


@dataclass(frozen=True)
class TermChange:
    term: str
    published: str
    now: str


def contract_terms(contract: Contract) -> dict[str, str]:
    """Each term and each data clause as a line of text, keyed by what people call it."""
    terms: dict[str, str] = {}
    for name in TERM_FIELDS:
        label = getattr(Contract._meta.get_field(name), "verbose_name", name)
        value = getattr(contract, name)
        if hasattr(contract, f"get_{name}_display") and value:
            value = getattr(contract, f"get_{name}_display")()
        terms[str(label)] = "" if value is None else str(value)
    for label, clauses in (
        (_("Orte der Daten"), contract.locations.all()),
        (_("Unterauftragnehmer"), contract.subprocessors.all()),
        (_("Zugriff auf die Daten"), contract.accesses.all()),
        (_("Schwärzungen"), contract.redactions.all()),
    ):
        terms[str(label)] = "; ".join(sorted(_clause_text(clause) for clause in clauses))
    return terms


def _clause_text(clause: object) -> str:
    values = [str(getattr(clause, name)) for name in clause.audit_fields if getattr(clause, name)]  # type: ignore[attr-defined]
    return ", ".join(values)


def changes_since_publication(contract: Contract) -> list[TermChange]:
    """What differs between the published terms and the contract's terms now."""
    if not contract.published_terms:
        return []
    now = contract_terms(contract)
    return [
        TermChange(term, contract.published_terms.get(term, ""), now.get(term, ""))
        for term in dict.fromkeys([*contract.published_terms, *now])
        if contract.published_terms.get(term, "") != now.get(term, "")
    ]
