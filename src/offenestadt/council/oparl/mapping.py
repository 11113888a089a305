"""From OParl objects (1.0 and 1.1 alike) to records: which fields are kept, and how.

Embedded objects are saved with their parent (a meeting's agenda items and files, a paper's
consultations, a person's memberships). A person keeps only name and roles: e-mail, phone,
address and the like are never read.
"""

from typing import Any

from django.utils.translation import gettext_noop

from offenestadt.council import models as m
from offenestadt.council.oparl.store import Store, as_date, as_datetime, as_text

FILE_ROLES = (
    "mainFile",
    "invitation",
    "resultsProtocol",
    "verbatimProtocol",
    "resolutionFile",
    "auxiliaryFile",
)


def embedded(value: Any) -> list[dict[str, Any]]:
    """The embedded objects under a key, one or many; references by URL alone are left."""
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, dict) and isinstance(item.get("id"), str)]


def is_deleted(item: dict[str, Any]) -> bool:
    return item.get("deleted") is True


def location(store: Store, value: Any) -> int | None:
    for item in embedded(value):
        if is_deleted(item):
            store.mark_deleted(m.Location, item)
            return None
        geojson = item.get("geojson")
        return store.save(
            m.Location,
            item,
            {
                "description": as_text(item.get("description")),
                "street_address": as_text(item.get("streetAddress")),
                "room": as_text(item.get("room")),
                "postal_code": as_text(item.get("postalCode")),
                "locality": as_text(item.get("locality")),
                "geojson": geojson if isinstance(geojson, dict) else None,
            },
        ).pk
    return store.pk_of(m.Location, value)


def files(store: Store, item: dict[str, Any], owner: dict[str, Any]) -> None:
    """The files of a paper, meeting or agenda item, saved as links to the system's copies."""
    for role in FILE_ROLES:
        for file in embedded(item.get(role)):
            if is_deleted(file):
                store.mark_deleted(m.File, file)
                continue
            access_url = as_text(file.get("accessUrl"))
            if not access_url:
                store.summary.errors[gettext_noop("Datei ohne accessUrl")] += 1
                continue
            store.save(
                m.File,
                file,
                {
                    "name": as_text(file.get("name")),
                    "file_name": as_text(file.get("fileName")),
                    "mime_type": as_text(file.get("mimeType")),
                    "date": as_date(file.get("date")),
                    "access_url": access_url,
                    "download_url": as_text(file.get("downloadUrl")),
                    **owner,
                },
                # A file that two owners list (a paper's and an agenda item's) keeps the role
                # it was first seen in, so that no run flips it back and forth.
                initial={"role": role},
            )


def body(store: Store, item: dict[str, Any]) -> m.Body:
    ags = as_text(item.get("ags"))
    if len(ags) == 7 and ags.isdigit():
        # Some systems drop the leading zero of the eight-digit key.
        ags = "0" + ags
    record = store.save(
        m.Body,
        item,
        {
            "name": as_text(item.get("name")),
            "short_name": as_text(item.get("shortName")),
            "ags": ags,
            "website": as_text(item.get("website")),
            "location_id": location(store, item.get("location")),
        },
    )
    for term in embedded(item.get("legislativeTerm")):
        legislative_term(store, term, record)
    return record


def legislative_term(store: Store, item: dict[str, Any], parent: m.Body) -> None:
    if is_deleted(item):
        store.mark_deleted(m.LegislativeTerm, item)
        return
    store.save(
        m.LegislativeTerm,
        item,
        {
            "body_id": parent.pk,
            "name": as_text(item.get("name")),
            "start_date": as_date(item.get("startDate")),
            "end_date": as_date(item.get("endDate")),
        },
    )


def organization(store: Store, item: dict[str, Any], parent: m.Body) -> None:
    store.save(
        m.Organization,
        item,
        {
            "body_id": parent.pk,
            "name": as_text(item.get("name")),
            "short_name": as_text(item.get("shortName")),
            "organization_type": as_text(item.get("organizationType")),
            "classification": as_text(item.get("classification")),
            "start_date": as_date(item.get("startDate")),
            "end_date": as_date(item.get("endDate")),
            "web": as_text(item.get("web")),
        },
    )


def person(store: Store, item: dict[str, Any], parent: m.Body) -> None:
    record = store.save(
        m.Person,
        item,
        {
            "body_id": parent.pk,
            "name": as_text(item.get("name")),
            "family_name": as_text(item.get("familyName")),
            "given_name": as_text(item.get("givenName")),
            "form_of_address": as_text(item.get("formOfAddress")),
            "title": as_text(item.get("title")),
            "status": as_text(item.get("status")),
        },
    )
    kept = set()
    for membership in embedded(item.get("membership")):
        kept.add(membership["id"])
        if is_deleted(membership):
            store.mark_deleted(m.Membership, membership)
            continue
        store.save(
            m.Membership,
            membership,
            {
                "person_id": record.pk,
                "organization_id": store.pk_of(m.Organization, membership.get("organization")),
                "role": as_text(membership.get("role")),
                "voting_right": membership.get("votingRight")
                if isinstance(membership.get("votingRight"), bool)
                else None,
                "start_date": as_date(membership.get("startDate")),
                "end_date": as_date(membership.get("endDate")),
            },
        )
    store.retire(record, "memberships", kept)


def meeting(store: Store, item: dict[str, Any], parent: m.Body) -> None:
    record = store.save(
        m.Meeting,
        item,
        {
            "body_id": parent.pk,
            "name": as_text(item.get("name")),
            "meeting_state": as_text(item.get("meetingState")),
            "cancelled": item.get("cancelled") is True,
            "start": as_datetime(item.get("start")),
            "end": as_datetime(item.get("end")),
            "location_id": location(store, item.get("location")),
            "web": as_text(item.get("web")),
        },
        related={"organizations": store.pks(m.Organization, item.get("organization"))},
    )
    files(store, item, {"meeting_id": record.pk})
    kept = set()
    for position, agenda_item in enumerate(embedded(item.get("agendaItem")), start=1):
        kept.add(agenda_item["id"])
        if is_deleted(agenda_item):
            store.mark_deleted(m.AgendaItem, agenda_item)
            continue
        order = agenda_item.get("order")
        saved = store.save(
            m.AgendaItem,
            agenda_item,
            {
                "meeting_id": record.pk,
                "number": as_text(agenda_item.get("number")),
                # 1.0 has no order (1.1 requires it): the position in the meeting's list.
                "order": order if isinstance(order, int) and order >= 0 else position,
                "name": as_text(agenda_item.get("name")),
                "public": agenda_item.get("public")
                if isinstance(agenda_item.get("public"), bool)
                else None,
                "result": as_text(agenda_item.get("result")),
                "resolution_text": as_text(agenda_item.get("resolutionText")),
                "start": as_datetime(agenda_item.get("start")),
                "end": as_datetime(agenda_item.get("end")),
            },
        )
        files(store, agenda_item, {"agenda_item_id": saved.pk})
    store.retire(record, "agenda_items", kept)
    link_consultations(store, record)


def link_consultations(store: Store, record: m.Meeting) -> None:
    """Consultations saved before their meeting (its page failed then) now find it."""
    waiting = m.Consultation.objects.filter(meeting_ref=record.oparl_id, meeting=None)
    for consultation in waiting:
        consultation.meeting = record
        consultation.agenda_item = record.agenda_items.filter(
            oparl_id=consultation.agenda_item_ref
        ).first()
        # unaudited: a mirror of the council information system
        consultation.save(update_fields=["meeting", "agenda_item"])
        store.touched(consultation)
        store.summary.count("updated", m.Consultation)


def paper(store: Store, item: dict[str, Any], parent: m.Body) -> None:
    record = store.save(
        m.Paper,
        item,
        {
            "body_id": parent.pk,
            "name": as_text(item.get("name")),
            "reference": as_text(item.get("reference")),
            "date": as_date(item.get("date")),
            "paper_type": as_text(item.get("paperType")),
            "web": as_text(item.get("web")),
        },
    )
    files(store, item, {"paper_id": record.pk})
    kept = set()
    for consultation in embedded(item.get("consultation")):
        kept.add(consultation["id"])
        if is_deleted(consultation):
            store.mark_deleted(m.Consultation, consultation)
            continue
        meeting_ref = as_text(consultation.get("meeting"))
        agenda_item_ref = as_text(consultation.get("agendaItem"))
        authoritative = consultation.get("authoritative")
        store.save(
            m.Consultation,
            consultation,
            {
                "paper_id": record.pk,
                "meeting_id": store.pk_of(m.Meeting, meeting_ref),
                "agenda_item_id": store.pk_of(m.AgendaItem, agenda_item_ref),
                "meeting_ref": meeting_ref,
                "agenda_item_ref": agenda_item_ref,
                "role": as_text(consultation.get("role")),
                "authoritative": authoritative if isinstance(authoritative, bool) else None,
            },
        )
    store.retire(record, "consultations", kept)
