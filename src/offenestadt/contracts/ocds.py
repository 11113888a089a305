"""The contract register as Open Contracting Data Standard 1.1 releases, one per stage.

Each stage a published contract has reached (published, in deliberation, decided, signed,
in force, ended) is one release with a stable id, dated when the stage began by the public
audit trail. What belongs to a stage (the state of the council's decision, of the award and
of the contract) follows the stage; descriptive data (title, value, vendor, procedures) is
the record as it is now, since the register keeps earlier values only in the audit trail.
Only fields of the standard's schema, no extensions: the data clauses go into the
contract's free-text description. Drafts are never exported.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.template.defaultfilters import yesno
from django.utils import timezone, translation

from offenestadt.audit.models import Action, AuditEntry
from offenestadt.contracts import selectors
from offenestadt.contracts.models import CONTRACT_LIFECYCLE, Contract, ContractStatus
from offenestadt.council.selectors import deliberations_prefetch
from offenestadt.registry.models import Project

type JSONObject = dict[str, Any]

OCDS_VERSION = "1.1"
# Data licence Germany – Zero: open data without conditions, as GovData recommends.
LICENSE = "https://www.govdata.de/dl-de/zero-2-0"
BUYER_ID = "city"

STAGES = CONTRACT_LIFECYCLE[CONTRACT_LIFECYCLE.index(ContractStatus.PUBLISHED) :]
STAGE_TAGS: dict[ContractStatus, str] = {
    ContractStatus.PUBLISHED: "planning",
    # Still the planning stage; the standard's tag for its later releases.
    ContractStatus.DELIBERATION: "planningUpdate",
    ContractStatus.DECIDED: "planningUpdate",
    ContractStatus.SIGNED: "contract",
    ContractStatus.ACTIVE: "implementation",
    ContractStatus.ENDED: "contractTermination",
}
# From here on a release carries the award and the contract.
CONTRACT_STAGES = frozenset({ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.ENDED})


def ocid_prefix() -> str:
    return str(settings.OCDS_OCID_PREFIX)


def contract_ocid(contract: Contract) -> str:
    return f"{ocid_prefix()}-{contract.pk}"


def published_contracts() -> "QuerySet[Contract]":
    """Every published contract with what its releases read, in a fixed number of queries."""
    return (
        selectors.contract_list(user=AnonymousUser(), filters=selectors.ContractFilters())
        .prefetch_related(
            "projects__participation_procedures",
            "locations",
            "subprocessors",
            "accesses",
            deliberations_prefetch("council_papers"),
        )
        .order_by("pk")
    )


def stage_dates(contracts: Iterable[Contract]) -> dict[int, dict[ContractStatus, datetime]]:
    """When each contract entered each status, from the public audit trail (one query)."""
    ids = [str(contract.pk) for contract in contracts]
    dates: dict[int, dict[ContractStatus, datetime]] = defaultdict(dict)
    entries = AuditEntry.objects.public().filter(
        object_type=Contract._meta.label_lower, object_id__in=ids, action=Action.TRANSITION
    )
    for object_id, created_at, changes in entries.order_by("seq").values_list(
        "object_id", "created_at", "changes"
    ):
        status = changes.get("status")
        if isinstance(status, list) and len(status) == 2 and status[1] in ContractStatus.values:
            dates[int(object_id)].setdefault(ContractStatus(status[1]), created_at)
    return dict(dates)


def stages_reached(
    contract: Contract, entered: Mapping[ContractStatus, datetime]
) -> list[ContractStatus]:
    """The stages from publication to the current one, in order.

    A contract moves one step at a time, except that it may end from any stage: which
    stages an ended contract passed through, the audit trail says (when it has them).
    """
    if contract.published_at is None:
        return []
    current = ContractStatus(contract.status)
    published = ContractStatus.PUBLISHED
    stages = STAGES[: STAGES.index(current) + 1] if current in STAGES else [published]
    if current == ContractStatus.ENDED and entered:
        stages = [s for s in stages if s in entered or s in {published, current}]
    return stages


def contract_releases(
    contract: Contract, entered: Mapping[ContractStatus, datetime] | None = None
) -> list[JSONObject]:
    """One release per stage the contract has reached; none for a draft.

    ``entered`` is the contract's part of :func:`stage_dates`, read here when not given.
    """
    if entered is None:
        entered = stage_dates([contract]).get(contract.pk, {})
    stages = stages_reached(contract, entered)
    releases = []
    when = contract.published_at
    for position, stage in enumerate(stages):
        when = _stage_date(contract, stage, entered, fallback=when)
        releases.append(_release(contract, stage=stage, when=when, reached=stages[: position + 1]))
    return releases


def release_package(contracts: Sequence[Contract], *, uri: str) -> JSONObject:
    """A release package with every stage release of the given (published) contracts."""
    dates = stage_dates(contracts)
    releases = [
        release
        for contract in contracts
        for release in contract_releases(contract, dates.get(contract.pk, {}))
    ]
    operator = str(settings.OPERATOR_NAME)
    # Generated on demand: the date of the newest change it contains.
    newest = max((datetime.fromisoformat(r["date"]) for r in releases), default=timezone.now())
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _iso(newest),
        "publisher": {"name": operator},
        "license": LICENSE,
        "releases": releases,
    }


def _stage_date(
    contract: Contract,
    stage: ContractStatus,
    entered: Mapping[ContractStatus, datetime],
    fallback: datetime | None,
) -> datetime:
    if stage == ContractStatus.PUBLISHED and contract.published_at is not None:
        return contract.published_at
    if stage in entered:
        return entered[stage]
    if stage == ContractStatus.SIGNED and contract.signed_on is not None:
        return _local(contract.signed_on, time.min)
    # Without a trail entry (records moved outside the services): no earlier than before.
    return fallback or timezone.now()


def _release(
    contract: Contract, *, stage: ContractStatus, when: datetime, reached: list[ContractStatus]
) -> JSONObject:
    ocid = contract_ocid(contract)
    operator = str(settings.OPERATOR_NAME)
    # The published contract names its vendor from the start, before any award.
    supplier = _supplier(contract)
    parties = [_buyer(operator), *([supplier] if supplier else [])]
    release: JSONObject = {
        "ocid": ocid,
        "id": f"{ocid}-{stage.value}",
        "date": _iso(when),
        "tag": [STAGE_TAGS[stage]],
        "initiationType": "tender",
        "language": settings.LANGUAGE_CODE,
        "parties": parties,
        "buyer": {"id": BUYER_ID, "name": operator},
    }
    # Generated texts are in the register's language, whoever asks.
    with translation.override(settings.LANGUAGE_CODE):
        release["planning"] = _planning(contract, stage=stage, reached=reached)
        if contract.procurement_procedure:
            release["tender"] = {
                "id": f"{ocid}-tender",
                "title": contract.title,
                "procurementMethodDetails": contract.procurement_procedure,
            }
        if stage in CONTRACT_STAGES:
            release["awards"] = [_award(contract, ocid=ocid, reached=reached, supplier=supplier)]
            release["contracts"] = [_contract(contract, ocid=ocid, stage=stage, reached=reached)]
    compacted: JSONObject = _compact(release)
    return compacted


def _buyer(operator: str) -> JSONObject:
    return {
        "id": BUYER_ID,
        "name": operator,
        "address": {"streetAddress": settings.OPERATOR_ADDRESS},
        "contactPoint": {
            "name": operator,
            "email": settings.OPERATOR_EMAIL,
            "telephone": settings.OPERATOR_PHONE,
        },
        "roles": ["buyer"],
    }


def _supplier(contract: Contract) -> JSONObject | None:
    vendor = contract.vendor
    if vendor is None:
        return None
    identifier = (
        {"id": vendor.registry_number, "legalName": vendor.legal_name}
        if vendor.registry_number
        else None
    )
    return {
        "id": f"vendor-{vendor.pk}",
        "name": vendor.legal_name,
        "identifier": identifier,
        # OCDS 1.1 has only a country's name; the ISO code stands for it.
        "address": {"streetAddress": vendor.address, "countryName": vendor.country},
        "contactPoint": {"url": vendor.website},
        "roles": ["supplier"],
    }


def _planning(
    contract: Contract, *, stage: ContractStatus, reached: list[ContractStatus]
) -> JSONObject:
    projects = [p for p in contract.projects.all() if p.published_at is not None]
    budget = {
        "amount": _value(contract),
        "project": "; ".join(project.title for project in projects),
        "projectID": projects[0].slug if len(projects) == 1 else None,
    }
    return {
        "rationale": contract.purpose,
        "budget": budget,
        "milestones": [_approval(contract, stage=stage, reached=reached), *_engagements(projects)],
    }


def _approval(
    contract: Contract, *, stage: ContractStatus, reached: list[ContractStatus]
) -> JSONObject:
    """The council's decision on the contract, on the day the council deliberates it."""
    meeting_date = contract.council_date()
    milestone: JSONObject = {
        "id": "approval",
        "title": " – ".join(
            filter(None, [_label(contract, "decision_reference"), contract.council_body])
        ),
        "type": "approval",
        "description": _lines(
            contract,
            ["council_body", "meeting_date", "agenda_item", "council_paper", "decision_reference"],
            separator="; ",
        ),
        "dueDate": _start_of(meeting_date) if meeting_date else None,
    }
    if ContractStatus.DECIDED in reached:
        milestone["status"] = "met"
        milestone["dateMet"] = milestone["dueDate"]
    elif stage == ContractStatus.ENDED:
        milestone["status"] = "notMet"
    elif meeting_date:
        milestone["status"] = "scheduled"
    return milestone


def _engagements(projects: list[Project]) -> list[JSONObject]:
    """The published participation procedures of the contract's projects."""
    procedures = {
        procedure.pk: procedure
        for project in projects
        for procedure in project.participation_procedures.all()
        if procedure.published_at is not None
    }
    return [
        {
            "id": f"engagement-{procedure.pk}",
            "title": procedure.title,
            "type": "engagement",
            # Met once its result report is out.
            "status": "met" if procedure.result_report_published_at else "scheduled",
            "dateMet": _iso(procedure.result_report_published_at)
            if procedure.result_report_published_at
            else None,
        }
        for procedure in sorted(procedures.values(), key=lambda p: p.pk)
    ]


def _award(
    contract: Contract, *, ocid: str, reached: list[ContractStatus], supplier: JSONObject | None
) -> JSONObject:
    meeting_date = contract.council_date()
    return {
        "id": f"{ocid}-award",
        "title": contract.title,
        "status": "active" if ContractStatus.SIGNED in reached else "cancelled",
        "date": _start_of(meeting_date)
        if meeting_date and ContractStatus.DECIDED in reached
        else None,
        "value": _value(contract),
        "suppliers": [{"id": supplier["id"], "name": supplier["name"]}] if supplier else [],
        "contractPeriod": _period(contract),
    }


def _contract(
    contract: Contract, *, ocid: str, stage: ContractStatus, reached: list[ContractStatus]
) -> JSONObject:
    if stage == ContractStatus.ENDED:
        status = "terminated" if ContractStatus.SIGNED in reached else "cancelled"
    else:
        # Signed but not yet in force while the city may still withdraw.
        status = "active" if stage == ContractStatus.ACTIVE else "pending"
    return {
        "id": f"{ocid}-contract",
        "awardID": f"{ocid}-award",
        "title": contract.title,
        "description": "\n\n".join(filter(None, [contract.purpose, _data_clauses(contract)])),
        "status": status,
        "period": _period(contract),
        "value": _value(contract),
        "dateSigned": _start_of(contract.signed_on) if contract.signed_on else None,
    }


def _data_clauses(contract: Contract) -> str:
    """The data clauses in words: owner, return, deletion, where data goes, who sees it."""
    terms = [
        "data_owner",
        "secondary_use_prohibited",
        "audit_rights",
        "data_return_format",
        "deletion_at_end",
    ]
    locations = [
        _with_details(
            f"{location.get_kind_display()}: "
            + ", ".join(filter(None, [location.city, location.country])),
            [location.operator, location.data_centre, location.safeguard],
        )
        for location in contract.locations.all()
    ]
    subprocessors = [
        _with_details(
            ", ".join(filter(None, [f"{_label(sub, 'name')}: {sub.name}", sub.country])),
            [sub.purpose, sub.safeguard],
        )
        for sub in contract.subprocessors.all()
    ]
    accesses = [
        _with_details(
            f"{_label(access, 'mode')}: {access.organisation}",
            [
                access.role,
                access.purpose,
                str(access.get_mode_display()),
                _lines(access, ["country", "safeguard"], separator="; "),
            ],
        )
        for access in contract.accesses.all()
    ]
    lines = [_lines(contract, terms, separator="\n"), *locations, *subprocessors, *accesses]
    return "\n".join(filter(None, lines))


def _with_details(head: str, details: list[str]) -> str:
    present = "; ".join(filter(None, details))
    return f"{head} ({present})" if present else head


def _lines(record: Model, fields: list[str], *, separator: str) -> str:
    """'Label: value' for each field that has a value."""
    parts = []
    for name in fields:
        value = getattr(record, name)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = yesno(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif record._meta.get_field(name).choices:  # type: ignore[union-attr]
            value = getattr(record, f"get_{name}_display")()
        parts.append(f"{_label(record, name)}: {value}")
    return separator.join(parts)


def _label(record: Model, name: str) -> str:
    return str(record._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _value(contract: Contract) -> JSONObject | None:
    if contract.value is None:
        return None
    return {"amount": _number(contract.value), "currency": contract.currency}


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _period(contract: Contract) -> JSONObject:
    return {
        "startDate": _start_of(contract.starts_on) if contract.starts_on else None,
        "endDate": _iso(_local(contract.ends_on, time(23, 59, 59))) if contract.ends_on else None,
    }


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _start_of(day: date) -> str:
    return _iso(_local(day, time.min))


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _compact(value: Any) -> Any:
    """Leave out what is empty: the standard asks for absent rather than empty fields."""
    if isinstance(value, dict):
        pairs = ((key, _compact(item)) for key, item in value.items())
        return {key: item for key, item in pairs if item not in (None, "", [], {})}
    if isinstance(value, list):
        items = (_compact(item) for item in value)
        return [item for item in items if item not in (None, "", [], {})]
    return value
