"""Each training offer of a project (the project register's old part, whose dates were
free text) becomes a course of the training catalogue, linked to the project.

The course keeps the offer's title, provider, cost and accessibility; its description holds
the old dates, place and ways to register, so nothing is lost. It gets no sessions: the old
dates were text, and the office enters them as sessions with places. The audit trail says
what happened: the offer is deleted and the course recorded, each with its values, in one
chain with everything before (the registry then removes the old part's table).
"""

import json
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

from offenestadt.audit.models import canonical_json, sha256_hex

# The old offer's fields that the description keeps, with their labels.
DESCRIBED = (
    ("dates", "Termine"),
    ("place", "Ort"),
    ("register_by_phone", "Anmeldung per Telefon"),
    ("register_in_person", "Anmeldung vor Ort"),
    ("register_online", "Anmeldung online"),
)
OFFER_FIELDS = (
    "title",
    "provider",
    "dates",
    "place",
    "accessibility",
    "cost",
    "register_by_phone",
    "register_in_person",
    "register_online",
)


def course_description(offer) -> str:
    """The course's description: the old offer's dates, place and ways to register."""
    lines = [
        f"{label}: {value.strip()}"
        for label, value in ((label, getattr(offer, name)) for name, label in DESCRIBED)
        if value.strip()
    ]
    return "\n".join(lines)[:5000]


def _json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _append(apps, *, action, event, object_type, object_id, label, changes, is_public):
    """An audit entry at the end of the chain, as audit.services writes it."""
    chain_head = apps.get_model("audit", "ChainHead")
    audit_entry = apps.get_model("audit", "AuditEntry")
    head, _ = chain_head.objects.select_for_update().get_or_create(pk=1)
    created_at = datetime.now(UTC)
    entry = audit_entry(
        seq=head.seq + 1,
        created_at=created_at,
        action=action,
        event=event,
        actor_role="system",
        object_type=object_type,
        object_id=str(object_id),
        object_label=label[:300],
        changes=_json(changes),
        is_public=is_public,
        prev_hash=head.entry_hash,
    )
    payload = {
        "seq": entry.seq,
        "created_at": created_at.isoformat(),
        "action": action,
        "actor_role": "system",
        "object_type": object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "changes": entry.changes,
        "is_public": is_public,
        "event": event,
    }
    entry.payload_digest = sha256_hex(canonical_json(payload))
    entry.entry_hash = sha256_hex(entry.prev_hash + entry.payload_digest)
    entry.save()
    head.seq, head.entry_hash = entry.seq, entry.entry_hash
    head.save(update_fields=["seq", "entry_hash"])


def offers_to_courses(apps, schema_editor):
    training_offer = apps.get_model("registry", "TrainingOffer")
    course_model = apps.get_model("training", "Course")
    offers = training_offer.objects.select_related("project__office").order_by("pk")
    for offer in offers:
        project = offer.project
        is_public = project.published_at is not None
        course = course_model.objects.create(
            office=project.office,
            project=project,
            title=offer.title,
            description=course_description(offer),
            provider=offer.provider,
            accessibility=offer.accessibility,
            cost=offer.cost,
        )
        _append(
            apps,
            action="delete",
            event="deleted",
            object_type="registry.trainingoffer",
            object_id=offer.pk,
            label=offer.title,
            changes={name: [getattr(offer, name), None] for name in OFFER_FIELDS},
            is_public=is_public,
        )
        values = {
            "office": project.office.name,
            "title": course.title,
            "description": course.description,
            "provider": course.provider,
            "accessibility": course.accessibility,
            "language": course.language,
            "cost": course.cost,
            "project": project.title,
        }
        _append(
            apps,
            action="create",
            event="recorded",
            object_type="training.course",
            object_id=course.pk,
            label=course.title,
            changes={name: [None, value] for name, value in values.items() if value != ""},
            # Courses are public records, as they are in the catalogue.
            is_public=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_recorded_event"),
        ("registry", "0012_service_point_closed_on"),
        ("training", "0002_notices"),
    ]

    operations = [migrations.RunPython(offers_to_courses, migrations.RunPython.noop)]
