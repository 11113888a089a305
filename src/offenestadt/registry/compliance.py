"""The charter's rules over projects and what belongs to them, one or more per principle, and
the gates before a project's decision, implementation and operation."""

from datetime import date, timedelta

from django.db.models import Max, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Day, Finding, Outcome, Status, evaluate, rule
from offenestadt.charter.gates import GateRefusedError, gate_blockers
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION,
    PUBLIC_CODE_REQUIRES_OSI_LICENCE,
    THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD,
    parameter_value,
)
from offenestadt.council.selectors import first_deliberation

# P4's rule over the training catalogue and P5's over access channels register themselves
# with the engine on import.
from offenestadt.registry import free_training, non_digital_access  # noqa: F401
from offenestadt.registry.models import (
    GATED_STATUSES,
    LIFECYCLE,
    Hosting,
    Project,
    ProjectStatus,
    SoftwareComponent,
)
from offenestadt.software.licences import is_osi_approved


def _names(items: list[str]) -> str:
    return ", ".join(items)


def _project_field(project: Project, field_name: str) -> str:
    """A finding's fix: the project's form, at the field that fixes it."""
    return reverse("registry:project_edit", args=[project.slug]) + f"#id_{field_name}"


def _part_field(project: Project, kind: str, part: Model, field_name: str) -> str:
    """A finding's fix: the form of one part of the project (``kind`` as in its address),
    at the field that fixes it."""
    address = reverse("registry:project_part_edit", args=[project.slug, kind, part.pk])
    return f"{address}#id_{field_name}"


def _new_part(project: Project, kind: str) -> str:
    """A finding's fix: the form that adds a part of ``kind`` to the project."""
    return reverse("registry:project_part_add", args=[project.slug, kind])


def _new_for_project(url_name: str, project: Project) -> str:
    """A finding's fix: another register's form for a new record, linked to this project."""
    return f"{reverse(url_name)}?projekt={project.slug}"


def _decided(project: Project) -> bool:
    """Whether the project has reached its decision or gone beyond it."""
    return LIFECYCLE.index(ProjectStatus(project.status)) >= LIFECYCLE.index(ProjectStatus.DECISION)


@rule(
    Project,
    "personal-data-declared",
    description=_(
        "Das Projekt gibt an, ob es personenbezogene Daten verarbeitet; wenn ja, steht die "
        "Verarbeitung im Verzeichnis der Verarbeitungstätigkeiten."
    ),
)
def personal_data_declared(project: Project, charter: CharterVersion) -> Outcome:
    if project.processes_personal_data is None:
        return Outcome(
            Status.MISSING,
            _("Geben Sie an, ob das Projekt personenbezogene Daten verarbeitet."),
            fix=_project_field(project, "processes_personal_data"),
        )
    if not project.processes_personal_data:
        return Outcome(Status.MET, _("Das Projekt verarbeitet keine personenbezogenen Daten."))
    activities = list(project.processing_activities.all())
    if activities:
        return Outcome(
            Status.MET,
            _("Die Verarbeitung steht im Verzeichnis der Verarbeitungstätigkeiten: %(names)s."),
            {"names": activities},
        )
    return Outcome(
        Status.MISSING,
        _(
            "Das Projekt verarbeitet personenbezogene Daten: tragen Sie die Verarbeitung mit "
            "Zweck, Rechtsgrundlage und Löschfrist jeder Datenkategorie in das Verzeichnis "
            "der Verarbeitungstätigkeiten ein."
        ),
        fix=_new_for_project("processing:create", project),
    )


@rule(
    Project,
    "operated-under-city-control",
    description=_(
        "Für jede Software-Komponente des Projekts steht fest, wo sie betrieben wird; ein Betrieb "
        "außerhalb von EU/EWR nennt eine Garantie."
    ),
    parameters=(THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD,),
)
def operated_under_city_control(project: Project, charter: CharterVersion) -> Outcome:
    components = list(project.software_components.all())
    if not components:
        return Outcome(Status.NOT_APPLICABLE, _("Das Projekt hat keine Software-Komponenten."))
    unknown = [c for c in components if not c.hosting]
    unsafe = [
        c
        for c in components
        if c.hosting == Hosting.THIRD_COUNTRY and not c.third_country_safeguard
    ]
    if parameter_value(charter, THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD) and unsafe:
        return Outcome(
            Status.VIOLATED,
            _(
                "Betrieb außerhalb von EU/EWR ohne benannte Garantie: %(names)s. Nennen Sie die "
                "Garantie oder wählen Sie einen Betrieb in der EU."
            ),
            {"names": _names([c.name for c in unsafe])},
            fix=_part_field(project, "software", unsafe[0], "third_country_safeguard"),
        )
    if unknown:
        return Outcome(
            Status.MISSING,
            _("Es fehlt, wo diese Komponenten betrieben werden: %(names)s."),
            {"names": _names([c.name for c in unknown])},
            fix=_part_field(project, "software", unknown[0], "hosting"),
        )
    return Outcome(Status.MET, _("Jede Komponente wird unter Kontrolle der Stadt betrieben."))


@rule(
    Project,
    "public-before-decision",
    description=_(
        "Das Projekt ist vor seiner Entscheidung mindestens so viele Tage öffentlich, wie die "
        "Charta verlangt."
    ),
    parameters=(PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION,),
)
def public_before_decision(project: Project, charter: CharterVersion) -> Outcome:
    days = parameter_value(charter, PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION)
    decided = _decided(project)
    if project.published_at is None:
        status = Status.VIOLATED if decided else Status.MISSING
        return Outcome(
            status,
            _(
                "Das Projekt ist nicht veröffentlicht; vor der Entscheidung muss es "
                "%(days)s Tage öffentlich sein."
            ),
            {"days": days},
            fix=reverse("registry:project_publish", args=[project.slug]),
        )
    meeting = first_deliberation(project.council_papers.all())
    if meeting is not None:
        # Counted to the council's meeting on its paper: a paper moved later moves the day.
        public = (meeting.date - timezone.localdate(project.published_at)).days
        met = public >= days
        return Outcome(
            Status.MET if met else Status.VIOLATED,
            _("Bis zur Sitzung am %(date)s ist das Projekt %(public)s Tage öffentlich.")
            if met
            else _(
                "Bis zur Sitzung am %(date)s ist das Projekt nur %(public)s Tage öffentlich; "
                "vor der Entscheidung müssen es %(days)s Tage sein."
            ),
            {"date": Day(meeting.date), "public": public, "days": days},
            fix="" if met else _project_field(project, "council_papers"),
        )
    public_days = (timezone.now() - project.published_at).days
    if public_days < days:
        # A waiting period, nothing to fix: told as the days it runs, without a link.
        since = timezone.localdate(project.published_at)
        return Outcome(
            Status.MISSING,
            _(
                "Das Projekt ist seit dem %(since)s öffentlich; vor der Entscheidung muss es "
                "%(days)s Tage öffentlich sein, entschieden werden kann also frühestens am "
                "%(earliest)s."
            ),
            {"since": Day(since), "days": days, "earliest": Day(since + timedelta(days=days))},
        )
    return Outcome(
        Status.MET,
        _("Das Projekt ist seit %(public)s Tagen öffentlich."),
        {"public": public_days},
    )


def _phases_form(project: Project, slug: str, last_day: date | None) -> str:
    """A finding's fix for a procedure not over: the form of its last phase, where its end
    is set (a new phase when it has none)."""
    if last_day is None:
        return reverse("participation:phase_add", args=[slug])
    last_phase = (
        project.participation_procedures.filter(slug=slug, phases__ends_on=last_day)
        .values_list("phases__pk", flat=True)
        .first()
    )
    return reverse("participation:phase_edit", args=[slug, last_phase]) + "#id_ends_on"


@rule(
    Project,
    "participation-before-decision",
    description=_(
        "Vor der Entscheidung über das Projekt ist ein veröffentlichtes Beteiligungsverfahren "
        "abgeschlossen und sein Ergebnisbericht veröffentlicht."
    ),
)
def participation_before_decision(project: Project, charter: CharterVersion) -> Outcome:
    """A project is ready for its decision once a published procedure about it has ended
    (its last phase is over) and its result report is published."""
    today = timezone.localdate()
    procedures = (
        project.participation_procedures.filter(published_at__isnull=False)
        .annotate(last_day=Max("phases__ends_on"))
        .order_by("title")
        .values_list("title", "slug", "last_day", "result_report_published_at")
    )
    reported: list[str] = []
    unreported: list[str] = []
    unfinished: list[str] = []
    report_to_write = phases_to_set = ""
    for title, slug, last_day, report_published_at in procedures:
        if last_day is None or last_day >= today:
            unfinished.append(title)
            phases_to_set = phases_to_set or _phases_form(project, slug, last_day)
        elif report_published_at is None:
            unreported.append(title)
            report_to_write = report_to_write or reverse("participation:report_edit", args=[slug])
        else:
            reported.append(title)
    if reported:
        return Outcome(
            Status.MET,
            _("Der Ergebnisbericht der Beteiligung ist veröffentlicht: %(names)s."),
            {"names": _names(reported)},
        )
    status = Status.VIOLATED if _decided(project) else Status.MISSING
    if unfinished:
        return Outcome(
            status,
            _(
                "Die Beteiligung ist noch nicht abgeschlossen: %(names)s. Vor der Entscheidung "
                "muss ihre letzte Phase vorbei und ihr Ergebnisbericht veröffentlicht sein."
            ),
            {"names": _names(unfinished)},
            fix=phases_to_set,
        )
    if unreported:
        return Outcome(
            status,
            _(
                "Vor der Entscheidung braucht das Beteiligungsverfahren einen "
                "veröffentlichten Ergebnisbericht."
            ),
            fix=report_to_write,
        )
    return Outcome(
        status,
        _(
            "Vor der Entscheidung braucht das Projekt ein Beteiligungsverfahren mit "
            "Ergebnisbericht."
        ),
        fix=_new_for_project("participation:procedure_create", project),
    )


@rule(
    Project,
    "plain-language-summary",
    description=_("Das Projekt hat eine Zusammenfassung in Leichter Sprache."),
)
def plain_language_summary(project: Project, charter: CharterVersion) -> Outcome:
    if project.plain_language_summary.strip():
        return Outcome(Status.MET, _("Es gibt eine Zusammenfassung in Leichter Sprache."))
    return Outcome(
        Status.MISSING,
        _("Schreiben Sie eine Zusammenfassung in Leichter Sprache."),
        fix=_project_field(project, "plain_language_summary"),
    )


@rule(
    Project,
    "open-source-licence",
    description=_(
        "Öffentlich bezahlte Software des Projekts steht unter einer von der OSI anerkannten "
        "Lizenz und in einem öffentlichen Repository."
    ),
    parameters=(PUBLIC_CODE_REQUIRES_OSI_LICENCE,),
)
def open_source_licence(project: Project, charter: CharterVersion) -> Outcome:
    components = project.software_components.select_related("register_entry")
    funded = [c for c in components if c.publicly_funded_in_force]
    if not funded or not parameter_value(charter, PUBLIC_CODE_REQUIRES_OSI_LICENCE):
        return Outcome(
            Status.NOT_APPLICABLE, _("Das Projekt hat keine öffentlich bezahlte Software.")
        )
    closed = [c for c in funded if c.licence_in_force and not is_osi_approved(c.licence_in_force)]
    if closed:
        return Outcome(
            Status.VIOLATED,
            _("Öffentlich bezahlte Software ohne OSI-anerkannte Lizenz: %(names)s."),
            {"names": _names([c.name for c in closed])},
            fix=_software_fix(project, closed[0], "licence"),
        )
    hidden = [c for c in funded if not c.repository_in_force]
    if hidden:
        return Outcome(
            Status.VIOLATED,
            _("Öffentlich bezahlte Software ohne öffentliches Repository: %(names)s."),
            {"names": _names([c.name for c in hidden])},
            fix=_software_fix(project, hidden[0], "repository_url"),
        )
    unlicensed = [c for c in funded if not c.licence_in_force]
    if unlicensed:
        return Outcome(
            Status.MISSING,
            _("Nennen Sie die Lizenz (SPDX) von: %(names)s."),
            {"names": _names([c.name for c in unlicensed])},
            fix=_software_fix(project, unlicensed[0], "licence"),
        )
    # The register lists the open standards of a component's data formats and interfaces.
    unnamed = [c for c in funded if c.register_entry and not c.register_entry.open_standards]
    if unnamed:
        return Outcome(
            Status.MISSING,
            _("Nennen Sie im Software-Register die offenen Standards von: %(names)s."),
            {"names": _names([c.name for c in unnamed])},
            fix=_software_fix(project, unnamed[0], "open_standards"),
        )
    return Outcome(
        Status.MET, _("Alle öffentlich bezahlte Software ist freie Software mit Repository.")
    )


def _software_fix(project: Project, part: SoftwareComponent, field_name: str) -> str:
    """Where to mend a software fact: the register's entry where the part names one."""
    if part.register_entry:
        return f"{reverse('software:edit', args=[part.register_entry.slug])}#id_{field_name}"
    return _part_field(project, "software", part, field_name)


# --- the gates of a project's lifecycle ----------------------------------------------------


def project_gate(*, project: Project, to: ProjectStatus) -> None:
    """Let the project enter ``to``, or raise GateRefusedError with the findings that hold it
    back: entering decision, implementation or operation asks the charter in force, and
    findings of its gating principles that are violated or lack evidence refuse the move.
    (A council decision may set such a refusal aside: registry.services.project_transition.)
    """
    if to not in GATED_STATUSES:
        return
    charter = CharterVersion.objects.in_force()
    if charter is None:
        return
    if blockers := gate_blockers(evaluate(project, charter), charter):
        raise GateRefusedError(findings=blockers)


def gate_ahead(
    project: Project, findings: list[Finding], charter: CharterVersion | None
) -> list[Finding]:
    """What the gate before the project's next step would meet today, shown above the form
    that asks for the step before anyone fills it in (empty when no gate lies ahead)."""
    if charter is None or not GATED_STATUSES.intersection(project.next_statuses()):
        return []
    return gate_blockers(findings, charter)
