"""Demo register: the platform's own processings approved by the demo DPO, and a city entry
the DPO sent back because a mandatory birth date has no reason."""

from offenestadt.accounts.models import Role, User
from offenestadt.processing import services
from offenestadt.processing.models import (
    DataCategory,
    LegalBasis,
    ProcessingActivity,
    RetentionUnit,
    ReviewStatus,
)
from offenestadt.processing.platform import platform_register_ensure
from offenestadt.registry.models import Project

APPOINTMENTS = "Online-Terminvergabe im Bürgerbüro (Demo)"


def _appointments(editor: User, dpo: User) -> None:
    if ProcessingActivity.objects.filter(title=APPOINTMENTS).exists():
        return
    project = Project.objects.get(title="Digitale Terminvergabe im Bürgerbüro (Demo)")
    activity = ProcessingActivity(
        title=APPOINTMENTS,
        office=editor.office,
        purposes="Termine im Bürgerbüro vergeben, bestätigen und bei Bedarf absagen.",
        data_subjects="Einwohnerinnen und Einwohner, die einen Termin buchen.",
        recipients="Beschäftigte des Bürgerbüros.",
        security_measures="Verschlüsselte Übertragung, Zugriff nur für das Bürgerbüro, "
        "Löschung einen Monat nach dem Termin.",
        plain_language="Wenn Sie einen Termin buchen, speichert die Stadt Ihren Namen, den "
        "Anlass und, wenn Sie möchten, eine Telefonnummer oder E-Mail-Adresse für "
        "Erinnerungen. Einen Monat nach dem Termin wird alles gelöscht.",
    )
    services.activity_save(actor=editor, activity=activity, projects=[project])
    categories = [
        DataCategory(
            activity=activity,
            name="Name",
            purpose="Die Person am Schalter aufrufen.",
            legal_basis=LegalBasis.ART6_E,
            retention_amount=1,
            retention_unit=RetentionUnit.MONTHS,
            retention_start="dem Termin",
            necessity="Ohne Namen lässt sich der Termin nicht zuordnen.",
        ),
        DataCategory(
            activity=activity,
            name="Telefonnummer oder E-Mail-Adresse",
            purpose="Erinnerung und Absage des Termins.",
            legal_basis=LegalBasis.ART6_A,
            retention_amount=1,
            retention_unit=RetentionUnit.MONTHS,
            retention_start="dem Termin",
            mandatory=False,
        ),
        DataCategory(
            activity=activity,
            name="Geburtsdatum",
            purpose="Verwechslungen bei gleichen Namen vermeiden.",
            legal_basis=LegalBasis.ART6_E,
            retention_amount=1,
            retention_unit=RetentionUnit.MONTHS,
            retention_start="dem Termin",
        ),
    ]
    for category in categories:
        services.activity_part_save(actor=editor, part=category)
    services.activity_submit(actor=editor, activity=activity)
    services.activity_return(
        actor=dpo,
        activity=activity,
        comment="Wozu braucht die Terminvergabe das Geburtsdatum? Bitte begründen oder "
        "als freiwillig kennzeichnen.",
    )


def load_demo() -> list[str]:
    platform_register_ensure()
    dpo = User.objects.filter(role=Role.DPO).earliest("pk")
    for activity in ProcessingActivity.objects.filter(
        is_platform_own=True, review_status=ReviewStatus.SUBMITTED
    ):
        services.activity_approve(actor=dpo, activity=activity)
    editor = User.objects.get(username="redaktion")
    _appointments(editor, dpo)
    return []
