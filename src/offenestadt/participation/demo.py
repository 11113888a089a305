"""Demo procedures: a finished workshop with its minutes and result report, and a running
consultation on a text, commented online, by phone, and once hidden with a public reason.

Everything goes through the services, so the demo's history reads like a real one.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.accounts.rules import is_editor
from offenestadt.participation.comments import services as comments_services
from offenestadt.participation.moderation import services as moderation_services
from offenestadt.participation.procedures import services as procedures_services
from offenestadt.participation.procedures.models import (
    Document,
    Meeting,
    Phase,
    PhaseKind,
    Procedure,
)
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.participation.proposals.models import ProposalStatus
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import Project

PROCEDURES: list[dict[str, Any]] = [
    {
        "slug": "wlan-buergerwerkstatt",
        "title": "Bürgerwerkstatt zu den WLAN-Standorten (Demo)",
        "summary": "Wo in den Stadtteilzentren soll es offenes WLAN geben?",
        "information": "Die Stadt richtet in zwölf Stadtteilzentren offenes WLAN ein. Es ist "
        "kostenlos, werbefrei und braucht keine Anmeldung.\n\nIn der Bürgerwerkstatt "
        "sammeln wir, wo die Zugangspunkte stehen sollen: im Foyer, im Saal, draußen?",
        "project": "Offenes WLAN in Stadtteilzentren (Demo)",
        "phases": [(PhaseKind.INFORMATION, -90, -76), (PhaseKind.CONSULTATION, -75, -45)],
        "meeting": {
            "title": "Bürgerwerkstatt im Stadtteilzentrum Mitte (Demo)",
            "day": -60,
            "place": "Stadtteilzentrum Mitte, Saal 1, Hauptstraße 1",
            "accessibility": "Stufenloser Zugang über die Rampe am Seiteneingang, "
            "Induktionsschleife im Saal, barrierefreies WC im Erdgeschoss.",
            "minutes": "32 Menschen kamen. Gewünscht wurden WLAN im Foyer und im Saal aller "
            "Zentren, in vier Zentren auch im Außenbereich. Gefragt wurde nach dem "
            "Datenschutz: Es wird nichts über die Nutzenden gespeichert.",
        },
        "proposals": [
            {
                "title": "WLAN auch im Innenhof",
                "text": "Im Sommer sitzen viele draußen; bitte den Innenhof mitversorgen.",
                "channel": Channel.ONLINE,
                "supports": [(Channel.ONLINE, 1), (Channel.ONLINE, 1), (Channel.POST, 6)],
                "answer": (ProposalStatus.PARTLY, "In vier Zentren mit Glasfaser zuerst."),
            },
            {
                "title": "Eine Stunde kostenlose Einführung",
                "text": "Am Telefon angeregt: eine Sprechstunde, in der jemand zeigt, wie man "
                "sich verbindet.",
                "channel": Channel.PHONE,
                "supports": [(Channel.IN_PERSON, 4)],
                "answer": (
                    ProposalStatus.ACCEPTED,
                    "Die Volkshochschule bietet sie monatlich in jedem Zentrum an.",
                ),
            },
        ],
        "result_report": "Vorgeschlagen wurden zwölf Standorte; vier sind umgesetzt, weil "
        "dort ein Glasfaseranschluss liegt. Die übrigen acht folgen 2027.",
    },
    {
        "slug": "bodenfeuchte-online",
        "title": "Online-Beteiligung zu den Bodenfeuchte-Sensoren (Demo)",
        "summary": "Welche Parks sollen als nächste Sensoren bekommen, und was soll mit "
        "den Messwerten geschehen?",
        "information": "In drei Parks messen Funksensoren die Bodenfeuchte. Die Stadt "
        "gießt nur, wenn die Bäume Wasser brauchen.\n\nDie Sensoren messen nur die Erde: "
        "keine Kameras, keine Mikrofone, keine Daten über Menschen.",
        "project": "Sensoren für Bodenfeuchte in Parks (Demo)",
        "phases": [(PhaseKind.INFORMATION, -14, -1), (PhaseKind.CONSULTATION, 0, 28)],
        "meeting": {
            "title": "Infoabend zu den Sensoren (Demo)",
            "day": -7,
            "place": "Umweltamt, Raum 12, Parkstraße 5",
            "accessibility": "Aufzug vorhanden, Gebärdensprachdolmetschung auf Anfrage bis "
            "eine Woche vorher (Telefon des Umweltamts).",
            "minutes": "Vorgestellt wurden die Sensoren und ihre Messwerte. Gefragt wurde, "
            "ob die Daten offen sind: ja, als offene Daten unter freier Lizenz.",
        },
        "document": {
            "title": "Entwurf: Regeln für die Messwerte der Bodenfeuchte",
            "text": "Die Sensoren messen stündlich die Feuchte des Bodens in 30 cm Tiefe.\n\n"
            "Die Messwerte erscheinen täglich als offene Daten unter freier Lizenz.\n\n"
            "Die Stadt gießt einen Baum nur, wenn die Messwerte zeigen, dass er Wasser "
            "braucht.\n\n"
            "Die Sensoren werden nach fünf Jahren geprüft und, wenn sie nicht mehr nötig "
            "sind, abgebaut.",
        },
        "proposals": [
            {
                "title": "Sensoren zuerst im Stadtpark",
                "text": "Dort stehen die ältesten Bäume.",
                "channel": Channel.POST,
                "supports": [(Channel.ONLINE, 1), (Channel.POST, 12)],
                "answer": None,
            },
        ],
        "result_report": "",
    },
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _comment_on(procedure: Procedure, editor: User, today: date) -> None:
    """Comments on the running consultation: online, by phone, a reply, one hidden."""
    document = procedure.documents.get()
    paragraphs = list(document.paragraphs.all())
    first = comments_services.comment_post(
        actor=None,
        procedure=procedure,
        paragraph=paragraphs[1],
        pseudonym="Parkfreundin",
        text="Bitte auch die Temperatur veröffentlichen, dann kann man die Werte besser einordnen.",
        today=today,
    )
    comments_services.comment_post(
        actor=None,
        procedure=procedure,
        parent=first,
        text="Dem schließe ich mich an.",
        today=today,
    )
    # A call to the Umweltamt, written down by the editor who took it.
    comments_services.comment_post(
        actor=editor,
        procedure=procedure,
        paragraph=paragraphs[2],
        pseudonym="Herr K.",
        text="Im Stadtpark stehen viele alte Bäume; die sollten zuerst Sensoren bekommen.",
        channel=Channel.PHONE,
        today=today,
    )
    hidden = comments_services.comment_post(
        actor=None,
        procedure=procedure,
        text="Der Gärtner Max Mustermann aus der Lindenstraße gießt immer zu viel.",
        today=today,
    )
    moderation_services.contribution_hide(
        actor=editor,
        contribution=hidden,
        reason="Enthält personenbezogene Daten Dritter.",
    )
    comments_services.comment_post(
        actor=None,
        procedure=procedure,
        text="Gute Idee – so wird kein Wasser verschwendet.",
        today=today,
    )


def _propose(procedure: Procedure, editor: User, specs: list[dict[str, Any]], day: date) -> None:
    """Proposals with their support, online and entered by staff, and the city's answers."""
    for spec in specs:
        offline = spec["channel"] != Channel.ONLINE
        proposal = proposals_services.proposal_create(
            actor=editor if offline else AnonymousUser(),
            procedure=procedure,
            title=spec["title"],
            text=spec["text"],
            channel=spec["channel"],
            today=day,
        )
        for number, (channel, count) in enumerate(spec["supports"]):
            if channel == Channel.ONLINE:
                # Online, each person counts once, by a confirmed address.
                proposals_services.proposal_support_online(
                    proposal=proposal,
                    supporter_key=proposals_services.supporter_key(
                        proposal, f"unterstuetzung-{number}@example.org"
                    ),
                    today=day,
                )
                continue
            proposals_services.proposal_support(
                actor=editor, proposal=proposal, channel=channel, count=count, today=day
            )
        if spec["answer"] is not None:
            status, answer = spec["answer"]
            proposals_services.proposal_answer(
                actor=editor, proposal=proposal, status=status, answer=answer
            )


def load_demo() -> list[str]:
    today = timezone.localdate()
    for spec in PROCEDURES:
        if Procedure.objects.filter(slug=spec["slug"]).exists():
            continue
        project = Project.objects.select_related("office").get(title=spec["project"])
        editor = next(
            user
            for user in User.objects.filter(office=project.office).order_by("pk")
            if is_editor(user)
        )
        procedure = Procedure(
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            information=spec["information"],
            office=project.office,
        )
        procedures_services.procedure_save(actor=editor, procedure=procedure, projects=[project])
        for kind, start, end in spec["phases"]:
            procedures_services.phase_save(
                actor=editor,
                phase=Phase(
                    procedure=procedure,
                    kind=kind,
                    starts_on=today + timedelta(days=start),
                    ends_on=today + timedelta(days=end),
                ),
            )
        if "document" in spec:
            procedures_services.document_create(
                actor=editor,
                document=Document(procedure=procedure, title=spec["document"]["title"]),
                text=spec["document"]["text"],
            )
        # Entered before publication: once public, a date in the past is not added.
        meeting_spec = spec["meeting"]
        meeting = procedures_services.meeting_save(
            actor=editor,
            meeting=Meeting(
                procedure=procedure,
                title=meeting_spec["title"],
                starts_at=_at(today + timedelta(days=meeting_spec["day"]), 18),
                place=meeting_spec["place"],
                accessibility=meeting_spec["accessibility"],
                minutes=meeting_spec["minutes"],
            ),
        )
        # The demo's history: published on the day its first phase began.
        first_day = today + timedelta(days=min(start for _kind, start, _end in spec["phases"]))
        procedures_services.procedure_publish(actor=editor, procedure=procedure, today=first_day)
        procedures_services.meeting_minutes_publish(actor=editor, meeting=meeting)
        if "document" in spec:
            _comment_on(procedure, editor, today)
        consultation_day = today + timedelta(days=spec["phases"][-1][1])
        _propose(procedure, editor, spec["proposals"], consultation_day)
        if spec["result_report"]:
            procedures_services.procedure_report_publish(
                actor=editor, procedure=procedure, report=spec["result_report"], today=today
            )
    return []
