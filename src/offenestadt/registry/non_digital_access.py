"""The charter's rule that analogue access must not get worse (P5): every non-digital access
channel a service of the project had before stays, with its hours, step-free access and district.

Registered with the engine on import by ``registry.compliance``."""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Day, Outcome, Status, rule
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import NON_DIGITAL_CHANNEL_LOSS_IS_VIOLATION, parameter_value
from offenestadt.registry.channels import NON_DIGITAL_CHANNELS, Channel
from offenestadt.registry.models import AccessChannel, Phase, Project, Service
from offenestadt.registry.opening_hours import per_week_short
from offenestadt.registry.selectors import services_with_access


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
                {"service": self.service.name, "day": Day(self.service.changes_on), "loss": loss},
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


@rule(
    Project,
    "non-digital-channels-kept",
    description=_(
        "Jeder nicht digitale Zugangsweg, den eine Dienstleistung des Projekts vorher hatte, "
        "bleibt: mit mindestens so vielen Stunden pro Woche, stufenlosem Zugang und im selben "
        "Stadtteil."
    ),
    parameters=(NON_DIGITAL_CHANNEL_LOSS_IS_VIOLATION,),
)
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
            {"names": ", ".join(service.name for service in unrecorded)},
            fix=reverse("registry:access_channel_add", args=[project.slug, unrecorded[0].pk]),
        )
    return Outcome(
        Status.MET,
        _(
            "Kein nicht digitaler Zugangsweg fällt weg, und keiner wird kürzer geöffnet, "
            "weiter weg verlegt oder verliert den stufenlosen Zugang."
        ),
    )
