"""The charter's rules over projects and what belongs to them, one or more per principle."""

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Outcome, Status, rule
from offenestadt.charter.models import CharterVersion
from offenestadt.registry.licences import is_osi_approved
from offenestadt.registry.models import (
    LIFECYCLE,
    NON_DIGITAL_CHANNELS,
    Channel,
    Holder,
    Hosting,
    Phase,
    Project,
    ProjectStatus,
)


def _names(items: list[str]) -> str:
    return ", ".join(items)


def _decided(project: Project) -> bool:
    """Whether the project has reached its decision or gone beyond it."""
    return LIFECYCLE.index(ProjectStatus(project.status)) >= LIFECYCLE.index(ProjectStatus.DECISION)


@rule(Project, "P1", "personal-data-declared")
def personal_data_declared(project: Project, charter: CharterVersion) -> Outcome:
    if project.processes_personal_data is None:
        return Outcome(
            Status.MISSING,
            _("Geben Sie an, ob das Projekt personenbezogene Daten verarbeitet."),
            fix="#stammdaten",
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
        fix="#verknuepft",
    )


@rule(Project, "P2", "operated-under-city-control")
def operated_under_city_control(project: Project, charter: CharterVersion) -> Outcome:
    components = list(project.software_components.all())
    if not components:
        return Outcome(Status.NOT_APPLICABLE, _("Das Projekt hat keine Software-Komponenten."))
    unknown = [c.name for c in components if not c.hosting]
    unsafe = [
        c.name
        for c in components
        if c.hosting == Hosting.THIRD_COUNTRY and not c.third_country_safeguard
    ]
    if unsafe and charter.parameter("third_country_transfer_needs_safeguard", True):
        return Outcome(
            Status.VIOLATED,
            _(
                "Betrieb außerhalb von EU/EWR ohne benannte Garantie: %(names)s. Nennen Sie die "
                "Garantie oder wählen Sie einen Betrieb in der EU."
            ),
            {"names": _names(unsafe)},
            fix="#software",
        )
    if unknown:
        return Outcome(
            Status.MISSING,
            _("Es fehlt, wo diese Komponenten betrieben werden: %(names)s."),
            {"names": _names(unknown)},
            fix="#software",
        )
    return Outcome(Status.MET, _("Jede Komponente wird unter Kontrolle der Stadt betrieben."))


@rule(Project, "P3", "public-before-decision")
def public_before_decision(project: Project, charter: CharterVersion) -> Outcome:
    days = charter.parameter("project_min_public_days_before_decision", 0)
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
        )
    public_days = (timezone.now() - project.published_at).days
    if public_days < days:
        return Outcome(
            Status.MISSING,
            _(
                "Das Projekt ist seit %(public)s Tagen öffentlich; vor der Entscheidung "
                "müssen es %(days)s sein."
            ),
            {"public": public_days, "days": days},
        )
    return Outcome(
        Status.MET,
        _("Das Projekt ist seit %(public)s Tagen öffentlich."),
        {"public": public_days},
    )


@rule(Project, "P3", "participation-before-decision")
def participation_before_decision(project: Project, charter: CharterVersion) -> Outcome:
    """A project is ready for its decision once a published procedure about it has ended
    (its last phase is over) and its result report is published."""
    today = timezone.localdate()
    procedures = (
        project.participation_procedures.filter(published_at__isnull=False)
        .annotate(last_day=Max("phases__ends_on"))
        .order_by("title")
        .values_list("title", "last_day", "result_report_published_at")
    )
    reported: list[str] = []
    unreported: list[str] = []
    unfinished: list[str] = []
    for title, last_day, report_published_at in procedures:
        if last_day is None or last_day >= today:
            unfinished.append(title)
        elif report_published_at is None:
            unreported.append(title)
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
            fix="#verknuepft",
        )
    if unreported:
        return Outcome(
            status,
            _(
                "Vor der Entscheidung braucht das Beteiligungsverfahren einen "
                "veröffentlichten Ergebnisbericht."
            ),
            fix="#verknuepft",
        )
    return Outcome(
        status,
        _(
            "Vor der Entscheidung braucht das Projekt ein Beteiligungsverfahren mit "
            "Ergebnisbericht."
        ),
        fix="#verknuepft",
    )


@rule(Project, "P4", "free-training")
def free_training(project: Project, charter: CharterVersion) -> Outcome:
    if not charter.parameter("free_training_required", False):
        return Outcome(Status.NOT_APPLICABLE, _("Die Charta verlangt kein Schulungsangebot."))
    offers = list(project.training_offers.all())
    if any(offer.is_free for offer in offers):
        return Outcome(Status.MET, _("Es gibt ein kostenloses Schulungsangebot."))
    if offers:
        return Outcome(
            Status.VIOLATED,
            _("Kein Schulungsangebot ist kostenlos. Bieten Sie mindestens eines kostenlos an."),
            fix="#schulungen",
        )
    return Outcome(
        Status.MISSING,
        _(
            "Legen Sie ein kostenloses Schulungsangebot für Menschen mit wenig digitaler "
            "Erfahrung an."
        ),
        fix="#schulungen",
    )


@rule(Project, "P4", "plain-language-summary")
def plain_language_summary(project: Project, charter: CharterVersion) -> Outcome:
    if project.plain_language_summary.strip():
        return Outcome(Status.MET, _("Es gibt eine Zusammenfassung in Leichter Sprache."))
    return Outcome(
        Status.MISSING,
        _("Schreiben Sie eine Zusammenfassung in Leichter Sprache."),
        fix="#stammdaten",
    )


@rule(Project, "P5", "non-digital-channels-kept")
def non_digital_channels_kept(project: Project, charter: CharterVersion) -> Outcome:
    services = list(project.services.all())
    if not services:
        return Outcome(Status.NOT_APPLICABLE, _("Das Projekt verändert keine Dienstleistung."))
    lost: list[str] = []
    unrecorded: list[str] = []
    for service in services:
        channels = list(service.channels.all())
        before = {Channel(c.kind) for c in channels if c.phase == Phase.BEFORE}
        after = {Channel(c.kind) for c in channels if c.phase == Phase.AFTER}
        if not before or not after:
            # Without both records nothing can be said about a loss.
            unrecorded.append(service.name)
            continue
        lost.extend(
            f"{service.name}: {channel.label}"
            for channel in sorted((before - after) & NON_DIGITAL_CHANNELS)
        )
    if lost and charter.parameter("non_digital_channel_loss_is_violation", True):
        return Outcome(
            Status.VIOLATED,
            _("Diese nicht digitalen Zugangswege fallen weg: %(lost)s. Erhalten Sie sie."),
            {"lost": _names(lost)},
            fix="#dienstleistungen",
        )
    if unrecorded:
        return Outcome(
            Status.MISSING,
            _("Tragen Sie die Zugangswege vor und nach dem Projekt ein für: %(names)s."),
            {"names": _names(unrecorded)},
            fix="#dienstleistungen",
        )
    return Outcome(Status.MET, _("Kein nicht digitaler Zugangsweg fällt weg."))


@rule(Project, "P6", "infrastructure-in-public-hands")
def infrastructure_in_public_hands(project: Project, charter: CharterVersion) -> Outcome:
    assets = list(project.infrastructure_assets.all())
    if not assets:
        return Outcome(Status.NOT_APPLICABLE, _("Das Projekt hat keine Infrastruktur."))
    must_be_public = charter.parameter("public_funding_requires_public_ownership", True)
    privatised = [
        a.name for a in assets if must_be_public and a.publicly_funded and a.owner == Holder.PRIVATE
    ]
    if privatised:
        return Outcome(
            Status.VIOLATED,
            _("Mit öffentlichem Geld gebaut, aber in privater Hand: %(names)s."),
            {"names": _names(privatised)},
            fix="#infrastruktur",
        )
    not_neutral = [a.name for a in assets if a.net_neutral is False or a.commercial_use]
    if not_neutral:
        return Outcome(
            Status.VIOLATED,
            _("Nicht netzneutral oder kommerziell genutzt: %(names)s."),
            {"names": _names(not_neutral)},
            fix="#infrastruktur",
        )
    unknown = [
        a.name for a in assets if not a.owner or a.net_neutral is None or a.commercial_use is None
    ]
    if unknown:
        return Outcome(
            Status.MISSING,
            _("Tragen Sie Eigentum, Netzneutralität und Nutzung ein für: %(names)s."),
            {"names": _names(unknown)},
            fix="#infrastruktur",
        )
    return Outcome(Status.MET, _("Die Infrastruktur ist in öffentlicher Hand und netzneutral."))


@rule(Project, "P7", "open-source-licence")
def open_source_licence(project: Project, charter: CharterVersion) -> Outcome:
    funded = [c for c in project.software_components.all() if c.publicly_funded]
    if not funded or not charter.parameter("public_code_requires_osi_licence", True):
        return Outcome(
            Status.NOT_APPLICABLE, _("Das Projekt hat keine öffentlich bezahlte Software.")
        )
    closed = [c.name for c in funded if c.licence and not is_osi_approved(c.licence)]
    if closed:
        return Outcome(
            Status.VIOLATED,
            _("Öffentlich bezahlte Software ohne OSI-anerkannte Lizenz: %(names)s."),
            {"names": _names(closed)},
            fix="#software",
        )
    hidden = [c.name for c in funded if not c.repository_url]
    if hidden:
        return Outcome(
            Status.VIOLATED,
            _("Öffentlich bezahlte Software ohne öffentliches Repository: %(names)s."),
            {"names": _names(hidden)},
            fix="#software",
        )
    unlicensed = [c.name for c in funded if not c.licence]
    if unlicensed:
        return Outcome(
            Status.MISSING,
            _("Nennen Sie die Lizenz (SPDX) von: %(names)s."),
            {"names": _names(unlicensed)},
            fix="#software",
        )
    return Outcome(
        Status.MET, _("Alle öffentlich bezahlte Software ist freie Software mit Repository.")
    )
