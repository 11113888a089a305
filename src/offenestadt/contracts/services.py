"""Every write to contracts: permission, audit trail, and the moves of their lifecycle.

Each move passes the contract's gates (contracts.compliance.contract_gate). Publication
starts the clock: the contract takes effect no earlier than the charter's number of days
after publication, until which the city may withdraw (after HmbTG §10).
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import created_or_changed, delete_record, save_record
from offenestadt.charter.engine import Finding, evaluate
from offenestadt.charter.gates import announces_refusal
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import CONTRACT_EFFECTIVE_AFTER_DAYS, parameter_value
from offenestadt.contracts import rules
from offenestadt.contracts.compliance import (
    contract_gate,
    redaction_legal_basis,
    redaction_problems,
)
from offenestadt.contracts.models import (
    CommentStatus,
    Contract,
    ContractComment,
    ContractStatus,
    DataAccess,
    DataLocation,
    Redaction,
    SubProcessor,
    Vendor,
)
from offenestadt.contracts.terms import contract_terms
from offenestadt.core.throttle import RateLimitedError, throttle_take
from offenestadt.council.models import Paper
from offenestadt.opendata.filescan import services as filescan
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save, project_evaluate

type ContractClause = DataLocation | SubProcessor | DataAccess | Redaction


def _require_edit(actor: Actor, contract: Contract) -> None:
    if not rules.can_edit_contract(actor, contract):
        raise PermissionDenied(_("Sie dürfen diesen Vertrag nicht ändern."))


def _evaluate_projects(contract: Contract) -> None:
    for project in contract.projects.all():
        project_evaluate(project=project)


def contract_findings(contract: Contract) -> tuple[CharterVersion | None, list[Finding]]:
    charter = CharterVersion.objects.in_force()
    return charter, evaluate(contract, charter) if charter else []


@transaction.atomic
def contract_save(
    *,
    actor: Actor,
    contract: Contract,
    projects: list[Project],
    council_papers: list[Paper] | None = None,
) -> Contract:
    """Register or change a contract, its documents, projects and council papers (None:
    left as they are).

    A new public version of the document is checked for personal data before visitors get
    it (a PDF cannot be read by the check: the DPO approves it, four eyes).
    """
    links = {} if council_papers is None else {"council_papers": council_papers}
    linked_record_save(actor=actor, record=contract, projects=projects, links=links)
    filescan.file_scans_request(actor=actor, record=contract)
    return contract


@transaction.atomic
def contract_clause_save(*, actor: Actor, clause: ContractClause) -> ContractClause:
    """Add or change a data location, sub-processor, access entry or redaction.

    A redaction takes its legal basis from the charter in force and is refused unless it
    names a category with a basis and a specific justification.
    """
    _require_edit(actor, clause.contract)
    if isinstance(clause, Redaction):
        charter = CharterVersion.objects.in_force()
        clause.legal_basis = redaction_legal_basis(clause.category, charter)
        if problems := redaction_problems(clause, charter):
            raise ValidationError(problems)
    clause.full_clean()
    save_record(record=clause, actor=actor, event=created_or_changed(clause))
    _evaluate_projects(clause.contract)
    return clause


@transaction.atomic
def contract_clause_delete(*, actor: Actor, clause: ContractClause) -> None:
    """Remove a data location, sub-processor, access entry or redaction from a contract."""
    contract = clause.contract
    _require_edit(actor, contract)
    delete_record(record=clause, actor=actor, event=AuditEvent.DELETED)
    _evaluate_projects(contract)


@transaction.atomic
def vendor_save(*, actor: Actor, vendor: Vendor) -> Vendor:
    """Add or change a vendor; editors and administrators may."""
    if not rules.can_edit_vendors(actor):
        raise PermissionDenied(_("Sie dürfen keine Auftragnehmer anlegen oder ändern."))
    vendor.full_clean()
    save_record(record=vendor, actor=actor, event=created_or_changed(vendor))
    return vendor


@announces_refusal("contract")
@transaction.atomic
def contract_transition(
    *, actor: Actor, contract: Contract, to: ContractStatus, today: date | None = None
) -> Contract:
    """Move a contract on in its lifecycle, or refuse with what is missing.

    The contract's gates decide (contracts.compliance.contract_gate); a refusal is a
    GateRefusedError naming what is missing and the charter's findings that hold it back.
    """
    _require_edit(actor, contract)
    today = today or timezone.localdate()
    contract_gate(contract=contract, to=to, today=today)
    if to == ContractStatus.PUBLISHED:
        contract.published_at = timezone.now()
        # As stored, so that values read back the same later (1000 vs 1000.00).
        contract.published_terms = contract_terms(Contract.objects.get(pk=contract.pk))
        days = parameter_value(CharterVersion.objects.in_force(), CONTRACT_EFFECTIVE_AFTER_DAYS)
        contract.withdrawal_until = today + timedelta(days=days)
    if to == ContractStatus.SIGNED:
        contract.signed_on = today
    contract.status = to
    contract.full_clean()
    event = AuditEvent.PUBLISHED if to == ContractStatus.PUBLISHED else AuditEvent.STATUS_CHANGED
    save_record(record=contract, actor=actor, event=event)
    _evaluate_projects(contract)
    return contract


# The platform throttle's scope for comments on contracts, counted per address.
COMMENT_THROTTLE_SCOPE = "contracts:comment"


@transaction.atomic
def contract_comment_post(
    *, contract: Contract, pseudonym: str, text: str, source: str
) -> ContractComment:
    """A resident comments on a published contract; the audit names no one.

    ``source`` is the commenter's address as the platform throttle keys it (a keyed hash
    that changes daily, core.throttle.address_key): CONTRACT_COMMENT_LIMIT comments per
    source and window, then RateLimitedError saying how long to wait.
    """
    if contract.published_at is None or contract.status == ContractStatus.ENDED:
        raise PermissionDenied(_("Zu diesem Vertrag kann man nicht kommentieren."))
    comment = ContractComment(contract=contract, pseudonym=pseudonym.strip(), text=text.strip())
    comment.full_clean()
    # Counted in this transaction: a comment that is not stored is not counted either.
    verdict = throttle_take(
        scope=COMMENT_THROTTLE_SCOPE,
        key=source,
        limit=settings.CONTRACT_COMMENT_LIMIT,
        window_seconds=settings.CONTRACT_COMMENT_WINDOW_SECONDS,
    )
    if not verdict.allowed:
        minutes = verdict.retry_after_minutes
        raise RateLimitedError(
            ngettext(
                "Zu viele Kommentare in kurzer Zeit, bitte versuchen Sie es in einer Minute "
                "erneut.",
                "Zu viele Kommentare in kurzer Zeit, bitte versuchen Sie es in %(minutes)s "
                "Minuten erneut.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=verdict.retry_after,
        )
    save_record(record=comment, actor=None, event=AuditEvent.CREATED)
    return comment


@transaction.atomic
def contract_comment_hide(
    *, actor: Actor, comment: ContractComment, reason: str
) -> ContractComment:
    """Hide a comment with a reason everyone can read; the text stays stored."""
    if not rules.can_edit_contract(actor, comment.contract):
        raise PermissionDenied(_("Sie dürfen Kommentare zu diesem Vertrag nicht moderieren."))
    if not reason.strip():
        raise ValidationError({"hidden_reason": _("Nennen Sie einen öffentlichen Grund.")})
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason = reason.strip()
    comment.full_clean()
    save_record(record=comment, actor=actor, event=AuditEvent.HIDDEN)
    return comment
