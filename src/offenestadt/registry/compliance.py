"""The charter's rules over projects and what belongs to them, one or more per principle, and
the gates before a project's decision, implementation and operation."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Model
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Finding, Outcome, Status, evaluate, rule
from offenestadt.charter.gates import GateRefusedError, gate_blockers
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    NON_DIGITAL_CHANNEL_LOSS_IS_VIOLATION,
    PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION,
    PUBLIC_CODE_REQUIRES_OSI_LICENCE,
    THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD,
    parameter_value,
)
from offenestadt.council.selectors import first_deliberation

# P4's rule over the training catalogue registers itself with the engine on import.
from offenestadt.registry import free_training  # noqa: F401
from offenestadt.registry.channels import NON_DIGITAL_CHANNELS, Channel
from offenestadt.registry.models import (
    GATED_STATUSES,
    LIFECYCLE,
    AccessChannel,
    Hosting,
    Phase,
    Project,
    ProjectStatus,
    Service,
    SoftwareComponent,
)
from offenestadt.registry.opening_hours import per_week_short
from offenestadt.registry.selectors import services_with_access
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


@dataclass(frozen=True)
class _Day:
    """A day in a finding, written as each language of the finding writes dates."""

    day: date

    def __str__(self) -> str:
        return formats.date_format(self.day, "DATE_FORMAT")


def _decided(project: Project) -> bool:
    """Whether the project has reached its decision or gone beyond it."""
    return LIFECYCLE.index(ProjectStatus(project.status)) >= LIFECYCLE.index(ProjectStatus.DECISION)


@rule(Project, "P1", "personal-data-declared")
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


@rule(Project, "P2", "operated-under-city-control")
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


@rule(Project, "P3", "public-before-decision")
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
            {"date": _Day(meeting.date), "public": public, "days": days},
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
            {"since": _Day(since), "days": days, "earliest": _Day(since + timedelta(days=days))},
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


@rule(Project, "P3", "participation-before-decision")
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


@rule(Project, "P4", "plain-language-summary")
def plain_language_summary(project: Project, charter: CharterVersion) -> Outcome:
    if project.plain_language_summary.strip():
        return Outcome(Status.MET, _("Es gibt eine Zusammenfassung in Leichter Sprache."))
    return Outcome(
        Status.MISSING,
        _("Schreiben Sie eine Zusammenfassung in Leichter Sprache."),
        fix=_project_field(project, "plain_language_summary"),
    )


@dataclass(frozen=True)
class _Words:
    """A message with its values, put into words only when shown: a finding is written in
    German and in English, and each gets the words (and day names) of its language."""

    message: Promise
    values: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return str(self.message) % {key: str(value) for key, value in self.values.items()}


@dataclass(frozen=True)
class _PerWeek:
    minutes: int

    def __str__(self) -> str:
        return per_week_short(self.minutes)


@dataclass(frozen=True)
class _Listed:
    items: list[_Words]
    separator: str = "; "

    def __str__(self) -> str:
        return self.separator.join(str(item) for item in self.items)


# What the hours of a channel are called in a finding, by the kind of channel.
_HOURS_NAMES = {Channel.IN_PERSON: _("Öffnungszeiten vor Ort"), Channel.PHONE: _("Telefonzeiten")}


def _district(channel: AccessChannel) -> str:
    return " ".join(channel.facts.district.split()).casefold()


@dataclass
class _AccessComparison:
    """What gets worse for one service's non-digital channels, and what is not recorded."""

    service: Service
    losses: list[_Words] = field(default_factory=list)
    # Where each loss is made good: the channel after the project, None where it is gone.
    worsened: list[AccessChannel | None] = field(default_factory=list)
    # (channel, the facts it lacks)
    gaps: list[tuple[AccessChannel, list[Promise]]] = field(default_factory=list)

    def lose(self, worse: AccessChannel | None, message: Promise, **values: Any) -> None:
        self.worsened.append(worse)
        loss = _Words(message, values)
        if self.service.changes_on is None:
            words = _Words(
                _("%(service)s – %(loss)s"), {"service": self.service.name, "loss": loss}
            )
        else:
            words = _Words(
                _("%(service)s ab %(day)s – %(loss)s"),
                {"service": self.service.name, "day": _Day(self.service.changes_on), "loss": loss},
            )
        self.losses.append(words)

    def lack(self, channel: AccessChannel, fact: Promise) -> None:
        for known, facts in self.gaps:
            if known is channel:
                facts.append(fact)
                return
        self.gaps.append((channel, [fact]))

    def compare(self, before: AccessChannel, after: AccessChannel | None) -> None:
        kind = Channel(before.kind)
        if before.facts.closed:
            # Closed before the change: there is no access the project could take away.
            return
        if after is None:
            self.lose(None, _("Zugangsweg „%(channel)s“ fällt weg"), channel=kind.label)
            return
        if after.facts.closed:
            self.lose(
                after,
                _("Zugangsweg „%(channel)s“: die Servicestelle „%(point)s“ ist dann geschlossen"),
                channel=kind.label,
                point=str(after.service_point),
            )
            return
        if kind in _HOURS_NAMES:
            self._compare_hours(kind, before, after)
        if kind == Channel.IN_PERSON:
            self._compare_step_free(before, after)
            self._compare_district(before, after)

    def _compare_hours(self, kind: Channel, before: AccessChannel, after: AccessChannel) -> None:
        hours_before, hours_after = before.weekly_hours, after.weekly_hours
        for channel, hours in ((before, hours_before), (after, hours_after)):
            if not hours:
                self.lack(channel, channel.hours_label())
        if hours_before and hours_after:
            earlier, later = hours_before.minutes_per_week, hours_after.minutes_per_week
            if later < earlier:
                self.lose(
                    after,
                    _("%(hours)s: %(before)s vorher, %(after)s nachher"),
                    hours=_HOURS_NAMES[kind],
                    before=_PerWeek(earlier),
                    after=_PerWeek(later),
                )

    def _compare_step_free(self, before: AccessChannel, after: AccessChannel) -> None:
        fact = _("ob stufenlos erreichbar")
        step_free_before, step_free_after = before.facts.step_free, after.facts.step_free
        if step_free_before is True and step_free_after is False:
            self.lose(after, _("stufenloser Zugang vor Ort: vorher ja, nachher nein"))
        elif step_free_before is None and step_free_after is not True:
            # Without knowing the access before, a step-free place after is no loss.
            self.lack(before, fact)
            if step_free_after is None:
                self.lack(after, fact)
        elif step_free_before is True and step_free_after is None:
            self.lack(after, fact)

    def _compare_district(self, before: AccessChannel, after: AccessChannel) -> None:
        for channel in (before, after):
            if not _district(channel):
                self.lack(channel, _("Stadtbezirk"))
        if _district(before) and _district(after) and _district(before) != _district(after):
            self.lose(
                after,
                _("Stadtbezirk vor Ort: %(before)s vorher, %(after)s nachher"),
                before=before.facts.district,
                after=after.facts.district,
            )

    def gap_words(self) -> list[_Words]:
        return [
            _Words(
                _("%(service)s – „%(channel)s“ %(phase)s: %(facts)s"),
                {
                    "service": self.service.name,
                    "channel": channel.get_kind_display(),
                    "phase": Phase(channel.phase).label,
                    "facts": _Listed([_Words(fact) for fact in facts], ", "),
                },
            )
            for channel, facts in self.gaps
        ]


def _first_loss(project: Project, comparisons: list[_AccessComparison]) -> str:
    """A finding's fix: the form of the first channel that gets worse after the project, or
    the form that adds it again where it is gone."""
    comparison = next(c for c in comparisons if c.losses)
    after = comparison.worsened[0]
    if after is None:
        return reverse("registry:access_channel_add", args=[project.slug, comparison.service.pk])
    return reverse(
        "registry:access_channel_edit", args=[project.slug, comparison.service.pk, after.pk]
    )


def _first_gap(project: Project, comparisons: list[_AccessComparison]) -> str:
    """A finding's fix: the form of the first access channel that lacks a fact."""
    comparison = next(c for c in comparisons if c.gaps)
    channel = comparison.gaps[0][0]
    if channel.service_point is not None:
        # What is missing is the service point's to record.
        return reverse("servicepoints:edit", args=[channel.service_point.slug])
    return reverse(
        "registry:access_channel_edit", args=[project.slug, comparison.service.pk, channel.pk]
    )


@rule(Project, "P5", "non-digital-channels-kept")
def non_digital_access_kept(project: Project, charter: CharterVersion) -> Outcome:
    """Analogue access must not get worse: every non-digital channel a service had before
    the project stays, with at least its hours per week (opening hours in person, phone
    hours), its step-free access and its district."""
    services = list(services_with_access().filter(project=project))
    if not services:
        return Outcome(Status.NOT_APPLICABLE, _("Das Projekt verändert keine Dienstleistung."))
    unrecorded: list[Service] = []
    comparisons: list[_AccessComparison] = []
    for service in services:
        channels = list(service.channels.all())
        before = {Channel(c.kind): c for c in channels if c.phase == Phase.BEFORE}
        after = {Channel(c.kind): c for c in channels if c.phase == Phase.AFTER}
        if not before or not after:
            # Without both records nothing can be said about a loss.
            unrecorded.append(service)
            continue
        comparison = _AccessComparison(service)
        for kind in sorted(set(before) & NON_DIGITAL_CHANNELS):
            comparison.compare(before[kind], after.get(kind))
        comparisons.append(comparison)
    losses = [loss for comparison in comparisons for loss in comparison.losses]
    if parameter_value(charter, NON_DIGITAL_CHANNEL_LOSS_IS_VIOLATION) and losses:
        return Outcome(
            Status.VIOLATED,
            _(
                "Der analoge Zugang wird schlechter: %(losses)s. Erhalten Sie ihn mindestens "
                "im bisherigen Umfang."
            ),
            {"losses": _Listed(losses)},
            fix=_first_loss(project, comparisons),
        )
    gaps = [gap for comparison in comparisons for gap in comparison.gap_words()]
    if gaps:
        gaps += [
            _Words(_("%(service)s – Zugangswege vorher und nachher"), {"service": service.name})
            for service in unrecorded
        ]
        return Outcome(
            Status.MISSING,
            _("Für den Vergleich vorher und nachher fehlt: %(gaps)s."),
            {"gaps": _Listed(gaps)},
            fix=_first_gap(project, comparisons),
        )
    if unrecorded:
        return Outcome(
            Status.MISSING,
            _("Tragen Sie die Zugangswege vor und nach dem Projekt ein für: %(names)s."),
            {"names": _names([service.name for service in unrecorded])},
            fix=reverse("registry:access_channel_add", args=[project.slug, unrecorded[0].pk]),
        )
    return Outcome(
        Status.MET,
        _(
            "Kein nicht digitaler Zugangsweg fällt weg, und keiner wird kürzer geöffnet, "
            "weiter weg verlegt oder verliert den stufenlosen Zugang."
        ),
    )


@rule(Project, "P7", "open-source-licence")
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
