"""The training catalogue on paper, as tagged PDFs (``core.pdf``): the programme of coming
sessions, in normal and in large print, for notice boards, libraries and people without
internet; and, for the office's staff only, the call list of a session: who gave a phone
number and must be told of a reminder, a place from the waiting list or a cancellation."""

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from offenestadt.core.pdf import Block, Heading, PageFrame, Paragraph, Space, Table, pdf_build
from offenestadt.training.models import Course, Notice, Session
from offenestadt.training.notices import message

# Large print: the normal text at 17 pt, one column, no tables.
LARGE_PRINT_SIZE = 17.0


def _cost(course: Course) -> str:
    if course.is_free:
        return _("kostenlos")
    return _("%(cost)s Euro") % {"cost": formats.number_format(course.cost, 2)}


def _when(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    day = formats.date_format(start, "D, j. F Y")
    begin = formats.time_format(start, "TIME_FORMAT")
    end = formats.time_format(timezone.localtime(session.ends_at), "TIME_FORMAT")
    return f"{day}, {begin}–{end}"


def _place(session: Session) -> str:
    if session.district:
        return _("%(place)s (Stadtbezirk %(district)s)") % {
            "place": session.place,
            "district": session.district,
        }
    return session.place


def _access(session: Session) -> str:
    text = _("stufenlos erreichbar") if session.step_free else _("nicht stufenlos erreichbar")
    if session.course.accessibility:
        text += "; " + session.course.accessibility
    return text


def _places(session: Session) -> str:
    free = session.free_places()
    if free == 0:
        return _("ausgebucht: Warteliste")
    return _("%(free)s von %(capacity)s frei") % {"free": free, "capacity": session.capacity}


def _register(course: Course) -> str:
    office = course.office
    ways = [_("vor Ort: %(office)s") % {"office": office.name}]
    if office.phone:
        ways.insert(0, _("per Telefon: %(phone)s") % {"phone": office.phone})
    return "; ".join(ways)


def _how_to_register() -> str:
    return _(
        "Sie brauchen kein Konto. Melden Sie sich online an unter %(url)s, per Telefon "
        "oder vor Ort bei der Dienststelle, die beim Termin steht. Ist ein Termin voll, "
        "kommen Sie auf die Warteliste und rücken nach, wenn jemand absagt."
    ) % {"url": settings.SITE_URL + reverse("training:list")}


def _stand() -> str:
    return _("Stand: %(date)s") % {
        "date": formats.date_format(timezone.localtime(), "DATETIME_FORMAT")
    }


def programme_pdf(sessions: Sequence[Session], *, large_print: bool = False) -> bytes:
    """The coming sessions with what people need to decide and to register."""
    title = (
        _("Programm der Schulungen (Großdruck)") if large_print else _("Programm der Schulungen")
    )
    blocks: list[Block] = [
        Heading(title),
        Paragraph(_how_to_register()),
        Paragraph(_stand(), size="small", muted=True),
    ]
    if not sessions:
        blocks.append(Paragraph(_("Zurzeit sind keine Termine geplant.")))
    elif large_print:
        for session in sessions:
            blocks += [
                Heading(session.course.title, level=2),
                Paragraph(f"{_('Wann')}: {_when(session)}"),
                Paragraph(f"{_('Wo')}: {_place(session)}"),
                Paragraph(f"{_('Zugang')}: {_access(session)}"),
                Paragraph(f"{_('Plätze')}: {_places(session)}"),
                Paragraph(f"{_('Kosten')}: {_cost(session.course)}"),
                Paragraph(f"{_('Anmelden')}: {_register(session.course)}"),
                Space(4),
            ]
    else:
        header = [_("Wann"), _("Schulung"), _("Wo"), _("Plätze"), _("Kosten"), _("Anmelden")]
        rows = [
            [
                _when(session),
                [session.course.title, _access(session)],
                _place(session),
                _places(session),
                _cost(session.course),
                _register(session.course),
            ]
            for session in sessions
        ]
        widths = [38, None, 55, 28, 20, 55]
        blocks.append(Table([header, *rows], widths=widths, header=True, size="normal"))
    return pdf_build(
        blocks,
        title=title,
        frame=PageFrame(landscape=not large_print, margin=15),
        footer=f"{title} – {settings.OPERATOR_NAME}",
        text_size=LARGE_PRINT_SIZE if large_print else 10.5,
    )


def call_list_pdf(session: Session, notices: Sequence[Notice]) -> bytes:
    """For the office: whom to call about this session and what to tell them."""
    title = _("Anrufliste: %(course)s, %(day)s") % {
        "course": session.course.title,
        "day": formats.date_format(timezone.localtime(session.starts_at), "SHORT_DATE_FORMAT"),
    }
    blocks: list[Block] = [
        Heading(title),
        Paragraph(
            _(
                "Diese Personen haben eine Telefonnummer angegeben und wissen es noch nicht. "
                "Nach dem Anruf auf der Seite der Anmeldungen „Erledigt“ wählen. Vertraulich: "
                "nach dem Anruf vernichten."
            )
        ),
        Paragraph(_stand(), size="small", muted=True),
    ]
    if notices:
        header = [_("Name"), _("Telefon"), _("Anlass"), _("Was zu sagen ist"), _("Erledigt")]
        rows = [
            [
                notice.registration.name,
                notice.registration.contact,
                notice.get_kind_display(),
                message(notice).text,
                "",
            ]
            for notice in notices
        ]
        blocks.append(Table([header, *rows], widths=[40, 38, 40, None, 22], header=True))
    else:
        blocks.append(Paragraph(_("Niemand muss angerufen werden.")))
    return pdf_build(
        blocks,
        title=title,
        frame=PageFrame(landscape=True, margin=15),
        footer=_("Vertraulich – %(office)s") % {"office": session.course.office.name},
    )
