"""Data minimisation made checkable (P1): the charter's rules over each entry of the register.

An entry counts as met only once the data protection officer has approved it; the worst
finding of a project's entries counts toward the project's scorecard.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Outcome, Status, rule, rules_for, worst_of_linked
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION,
    THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD,
    parameter_value,
)
from offenestadt.processing.models import (
    DataCategory,
    ProcessingActivity,
    ReviewStatus,
    Transfer,
)
from offenestadt.registry.models import Project


def _names(categories: list[DataCategory]) -> str:
    return ", ".join(category.name for category in categories)


def _activity_field(activity: ProcessingActivity, field_name: str) -> str:
    """A finding's fix: the entry's form, at the field that fixes it."""
    return reverse("processing:edit", args=[activity.slug]) + f"#id_{field_name}"


def _part_field(
    activity: ProcessingActivity, part: DataCategory | Transfer, field_name: str
) -> str:
    """A finding's fix: the form of the entry's data category or transfer, at the field."""
    kind = "kategorie" if isinstance(part, DataCategory) else "uebermittlung"
    address = reverse("processing:part_edit", args=[activity.slug, kind, part.pk])
    return f"{address}#id_{field_name}"


def _no_categories(activity: ProcessingActivity) -> Outcome:
    return Outcome(
        Status.MISSING,
        _("Es fehlen die Kategorien personenbezogener Daten, die die Verarbeitung nutzt."),
        fix=reverse("processing:part_add", args=[activity.slug, "kategorie"]),
    )


@rule(
    ProcessingActivity,
    "reviewed-by-dpo",
    description=_("Der oder die Datenschutzbeauftragte hat die Verarbeitung freigegeben."),
    gates=False,
)
def reviewed_by_dpo(activity: ProcessingActivity, charter: CharterVersion) -> Outcome:
    if activity.review_status == ReviewStatus.APPROVED:
        return Outcome(
            Status.MET, _("Der oder die Datenschutzbeauftragte hat den Eintrag freigegeben.")
        )
    if activity.review_status == ReviewStatus.RETURNED:
        return Outcome(
            Status.MISSING,
            _("Der oder die Datenschutzbeauftragte hat den Eintrag mit Anmerkungen zurückgegeben."),
            fix=reverse("processing:edit", args=[activity.slug]),
        )
    if activity.review_status == ReviewStatus.SUBMITTED:
        # Nothing to do for its office but wait (the DPO finds it in their inbox).
        return Outcome(
            Status.MISSING,
            _(
                "Der Eintrag ist eingereicht; der oder die Datenschutzbeauftragte hat ihn noch "
                "nicht freigegeben."
            ),
        )
    return Outcome(
        Status.MISSING,
        _("Der oder die Datenschutzbeauftragte hat den Eintrag noch nicht freigegeben."),
        fix=reverse("processing:submit", args=[activity.slug]),
    )


@rule(
    ProcessingActivity,
    "category-has-purpose",
    description=_("Jede Datenkategorie der Verarbeitung nennt ihren Zweck."),
    gates=False,
)
def category_has_purpose(activity: ProcessingActivity, charter: CharterVersion) -> Outcome:
    categories = list(activity.categories.all())
    if not categories:
        return _no_categories(activity)
    without = [c for c in categories if not c.purpose.strip()]
    if without:
        return Outcome(
            Status.VIOLATED,
            _("Daten ohne Zweck: %(names)s. Was keinem Zweck dient, wird nicht erhoben."),
            {"names": _names(without)},
            fix=_part_field(activity, without[0], "purpose"),
        )
    return Outcome(Status.MET, _("Jede Datenkategorie dient einem genannten Zweck."))


@rule(
    ProcessingActivity,
    "category-has-legal-basis",
    description=_("Jede Datenkategorie der Verarbeitung nennt ihre Rechtsgrundlage."),
    gates=False,
)
def category_has_legal_basis(activity: ProcessingActivity, charter: CharterVersion) -> Outcome:
    categories = list(activity.categories.all())
    if not categories:
        return _no_categories(activity)
    without = [c for c in categories if not c.legal_basis]
    if without:
        return Outcome(
            Status.MISSING,
            _("Daten ohne Rechtsgrundlage: %(names)s."),
            {"names": _names(without)},
            fix=_part_field(activity, without[0], "legal_basis"),
        )
    return Outcome(Status.MET, _("Jede Datenkategorie hat eine Rechtsgrundlage."))


@rule(
    ProcessingActivity,
    "retention-limited",
    description=_("Jede Datenkategorie der Verarbeitung hat eine begrenzte Löschfrist."),
    gates=False,
)
def retention_limited(activity: ProcessingActivity, charter: CharterVersion) -> Outcome:
    categories = list(activity.categories.all())
    if not categories:
        return _no_categories(activity)
    unlimited = [c for c in categories if c.retention_unlimited]
    if unlimited:
        return Outcome(
            Status.VIOLATED,
            _("Unbegrenzt gespeichert: %(names)s. Jede Kategorie braucht eine Löschfrist."),
            {"names": _names(unlimited)},
            fix=_part_field(activity, unlimited[0], "retention_unlimited"),
        )
    without = [c for c in categories if c.retention_amount is None]
    if without:
        return Outcome(
            Status.MISSING,
            _("Ohne Löschfrist: %(names)s."),
            {"names": _names(without)},
            fix=_part_field(activity, without[0], "retention_amount"),
        )
    return Outcome(Status.MET, _("Jede Datenkategorie hat eine begrenzte Speicherdauer."))


@rule(
    ProcessingActivity,
    "retention-within-charter",
    description=_("Eine Löschfrist über der Höchstdauer der Charta ist schriftlich begründet."),
    parameters=(MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION,),
    gates=False,
)
def retention_within_charter(activity: ProcessingActivity, charter: CharterVersion) -> Outcome:
    months = parameter_value(charter, MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION)
    limited = [c for c in activity.categories.all() if c.has_retention]
    if months is None or not limited:
        return Outcome(Status.NOT_APPLICABLE, _("Keine begrenzte Speicherdauer zu prüfen."))
    too_long = [
        c
        for c in limited
        if c.retention_exceeds_months(months) and not c.retention_justification.strip()
    ]
    if too_long:
        return Outcome(
            Status.VIOLATED,
            _(
                "Länger als %(months)s Monate ohne Begründung gespeichert: %(names)s. Begründen "
                "Sie die Dauer oder verkürzen Sie sie."
            ),
            {"months": months, "names": _names(too_long)},
            fix=_part_field(activity, too_long[0], "retention_justification"),
        )
    return Outcome(
        Status.MET,
        _("Keine Kategorie bleibt ohne Begründung länger als %(months)s Monate gespeichert."),
        {"months": months},
    )


@rule(
    ProcessingActivity,
    "special-categories-assessed",
    description=_(
        "Für besondere Kategorien personenbezogener Daten und Strafdaten liegt eine Datenschutz-"
        "Folgenabschätzung vor."
    ),
    gates=False,
)
def special_categories_assessed(activity: ProcessingActivity, charter: CharterVersion) -> Outcome:
    special = [c for c in activity.categories.all() if c.special_category]
    if not special:
        return Outcome(
            Status.NOT_APPLICABLE, _("Keine besonderen Kategorien und keine Strafdaten.")
        )
    if not activity.dpia_reference.strip():
        return Outcome(
            Status.VIOLATED,
            _(
                "Besondere Kategorien ohne Datenschutz-Folgenabschätzung: %(names)s. Führen Sie "
                "eine Folgenabschätzung durch und nennen Sie sie."
            ),
            {"names": _names(special)},
            fix=_activity_field(activity, "dpia_reference"),
        )
    return Outcome(
        Status.MET,
        _("Für die besonderen Kategorien liegt eine Datenschutz-Folgenabschätzung vor."),
    )


@rule(
    ProcessingActivity,
    "third-country-safeguarded",
    description=_("Jede Übermittlung in ein Drittland ist durch eine Garantie geschützt."),
    parameters=(THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD,),
    gates=False,
)
def third_country_safeguarded(activity: ProcessingActivity, charter: CharterVersion) -> Outcome:
    transfers = [t for t in activity.transfers.all() if t.is_third_country]
    if not transfers:
        return Outcome(Status.NOT_APPLICABLE, _("Keine Übermittlung in ein Drittland."))
    unsafe = [t for t in transfers if not t.safeguard.strip()]
    if parameter_value(charter, THIRD_COUNTRY_TRANSFER_NEEDS_SAFEGUARD) and unsafe:
        return Outcome(
            Status.VIOLATED,
            _("Übermittlung in ein Drittland ohne Garantie: %(names)s."),
            {"names": ", ".join(str(t) for t in unsafe)},
            fix=_part_field(activity, unsafe[0], "safeguard"),
        )
    return Outcome(
        Status.MET, _("Jede Übermittlung in ein Drittland ist durch eine Garantie geschützt.")
    )


@rule(
    ProcessingActivity,
    "necessity-argued",
    description=_("Für jede Pflichtangabe ist begründet, warum sie erforderlich ist."),
    gates=False,
)
def necessity_argued(activity: ProcessingActivity, charter: CharterVersion) -> Outcome:
    mandatory = [c for c in activity.categories.all() if c.mandatory]
    if not mandatory:
        return Outcome(Status.NOT_APPLICABLE, _("Keine Pflichtangaben."))
    unargued = [c for c in mandatory if not c.necessity.strip()]
    if unargued:
        return Outcome(
            Status.MISSING,
            _("Pflichtangaben ohne Begründung, warum sie erforderlich sind: %(names)s."),
            {"names": _names(unargued)},
            fix=_part_field(activity, unargued[0], "necessity"),
        )
    return Outcome(
        Status.MET, _("Für jede Pflichtangabe ist begründet, warum sie erforderlich ist.")
    )


@rule(
    Project,
    "processing-minimised",
    description=_(
        "Die Verarbeitungen des Projekts bestehen ihre Prüfungen zur Datensparsamkeit; es zählt "
        "der schlechteste Befund unter ihnen."
    ),
    # Every check over an entry of the register, all registered above.
    counts=tuple(registered.id for registered in rules_for(ProcessingActivity)),
)
def processing_minimised(project: Project, charter: CharterVersion) -> Outcome:
    return worst_of_linked(
        list(project.processing_activities.all()),
        charter,
        "processing-minimised",
        met=_("Die Verarbeitungen des Projekts sind geprüft und auf das Nötige beschränkt."),
        none=_("Das Projekt hat keine Verarbeitung personenbezogener Daten im Verzeichnis."),
    )


def submission_problems(activity: ProcessingActivity) -> list[str]:
    """What keeps an entry from going to the data protection officer, shown above the form
    that submits it before anyone fills it in."""
    if not activity.categories.exists():
        return [
            str(_("Tragen Sie zuerst die Kategorien personenbezogener Daten ein, die sie nutzt."))
        ]
    return []


def submission_gate(activity: ProcessingActivity) -> None:
    """Let the entry go to review, or raise GateRefusedError with what is missing."""
    if problems := submission_problems(activity):
        raise GateRefusedError(problems)
