"""The platform's own processings, entered in its own register as every installation ships it.

They arrive submitted, not approved: the city's data protection officer reviews them like
any other entry. The retention task reads its periods from these categories (by their
``key``), so a DPO who shortens a period there shortens what the platform keeps.
"""

from typing import Any

from django.db import transaction

from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.core.retention import (
    ACCESSIBILITY_FEEDBACK,
    ACCOUNTS,
    BACKUPS,
    CONTRIBUTIONS,
    LOGS,
    NOTIFICATIONS,
    OPEN_DATA,
    TRAINING,
)
from offenestadt.processing.models import (
    DataCategory,
    LegalBasis,
    ProcessingActivity,
    RetentionUnit,
    ReviewStatus,
    SourceProtection,
)

_SECURITY = (
    "Verschlüsselte Übertragung (TLS), Passwörter nur als Argon2-Hash, zweiter Faktor (TOTP) "
    "für alle Konten der Verwaltung, Rechte nach Rollen, manipulationssicheres "
    "Änderungsprotokoll, keine Inhalte von Dritten, Löschung nach Frist durch einen "
    "täglichen Löschlauf."
)

PLATFORM_ACTIVITIES: list[dict[str, Any]] = [
    {
        "slug": ACCOUNTS,
        "title": "Konten der Verwaltung auf der Plattform",
        "purposes": "Anmeldung der Beschäftigten, die Vorhaben, Verträge und Daten pflegen; "
        "Zuordnung von Rechten nach Rolle und Amt.",
        "data_subjects": "Beschäftigte der Stadtverwaltung, Datenschutzbeauftragte, "
        "Ratsmitglieder mit Konto.",
        "recipients": "Administration der Plattform in der Stadtverwaltung.",
        "plain_language": "Wer für die Stadt Einträge pflegt, meldet sich mit Name, Passwort "
        "und einem zweiten Faktor an. Öffentlich sichtbar ist nur die Rolle, nie der Name.",
        "categories": [
            {
                "key": "account",
                "name": "Benutzername, Rolle, Amt, E-Mail-Adresse",
                "purpose": "Anmeldung und Rechte der Beschäftigten.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 3,
                "retention_unit": RetentionUnit.MONTHS,
                "retention_start": "dem Ende der Tätigkeit für die Plattform",
                "necessity": "Ohne eindeutiges Konto kann niemand Einträge verantworten.",
            },
            {
                "key": "second-factor",
                "name": "Schlüssel des zweiten Faktors (TOTP)",
                "purpose": "Schutz der Konten gegen fremde Anmeldung.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 3,
                "retention_unit": RetentionUnit.MONTHS,
                "retention_start": "dem Ende der Tätigkeit für die Plattform",
                "necessity": "Ein Passwort allein schützt Konten mit Schreibrechten nicht genug.",
            },
        ],
    },
    {
        "slug": CONTRIBUTIONS,
        "title": "Kommentare und Beiträge der Einwohnerinnen und Einwohner",
        "purposes": "Beteiligung an Vorhaben und Verträgen: Kommentare und Vorschläge "
        "veröffentlichen, beantworten und auswerten.",
        "data_subjects": "Einwohnerinnen und Einwohner, die sich beteiligen.",
        "recipients": "Öffentlichkeit (Beiträge mit dem gewählten Namen oder Pseudonym), "
        "Redaktion und Moderation der Stadtverwaltung.",
        "plain_language": "Sie brauchen kein Konto. Ihr Beitrag erscheint mit dem Namen oder "
        "Pseudonym, das Sie wählen. Den Namen entfernt die Plattform nach der Frist; der "
        "Beitrag selbst bleibt als Teil der öffentlichen Beteiligung stehen.",
        "categories": [
            {
                "key": "contributor-name",
                "name": "Name oder Pseudonym der Beitragenden",
                "purpose": "Beiträge einander zuordnen und Antworten adressieren.",
                "legal_basis": LegalBasis.ART6_A,
                "retention_amount": 12,
                "retention_unit": RetentionUnit.MONTHS,
                "retention_start": "dem Tag des Beitrags",
                "mandatory": False,
                "source_protection": SourceProtection.PSEUDONYMISED,
            },
            {
                "key": "contribution",
                "name": "Text des Beitrags",
                "purpose": "Die Beteiligung selbst: lesen, beantworten, auswerten.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 10,
                "retention_unit": RetentionUnit.YEARS,
                "retention_start": "dem Ende des Verfahrens",
                "retention_justification": "Beteiligungen gehören zur Akte der Entscheidung "
                "und sind nach dem Archivrecht aufzubewahren.",
                "necessity": "Ohne den Text gibt es keine Beteiligung.",
            },
        ],
    },
    {
        "slug": NOTIFICATIONS,
        "title": "E-Mail-Benachrichtigungen zu Beteiligungen",
        "purposes": "Wer es wünscht, erfährt per E-Mail von Antworten und neuen Phasen "
        "eines Verfahrens (nach Bestätigung der Adresse). Wer einen Vorschlag online "
        "unterstützt, bestätigt das per E-Mail, damit jede Person einmal zählt.",
        "data_subjects": "Einwohnerinnen und Einwohner, die Benachrichtigungen bestellen.",
        "recipients": "Der E-Mail-Dienst der Stadt.",
        "plain_language": "Ihre E-Mail-Adresse ist freiwillig. Die Plattform nutzt sie nur "
        "für die bestellten Nachrichten und löscht sie nach dem Verfahren. Für eine "
        "Unterstützung speichert sie die Adresse nicht, nur einen verschlüsselten Prüfwert, "
        "und löscht auch ihn nach dem Verfahren.",
        "categories": [
            {
                "key": "email",
                "name": "E-Mail-Adresse (bei Unterstützungen nur als Schlüssel-Hash)",
                "purpose": "Zustellung der bestellten Benachrichtigungen; jede Person "
                "unterstützt einen Vorschlag nur einmal.",
                "legal_basis": LegalBasis.ART6_A,
                "retention_amount": 1,
                "retention_unit": RetentionUnit.MONTHS,
                "retention_start": "dem Ende des Verfahrens",
                "mandatory": False,
            }
        ],
    },
    {
        "slug": LOGS,
        "title": "Server- und Sicherheitsprotokolle",
        "purposes": "Betrieb und Sicherheit der Plattform: Störungen erkennen, Anmeldeversuche "
        "nachvollziehen, das Erraten von Passwörtern bremsen.",
        "data_subjects": "Besucherinnen und Besucher, Beschäftigte mit Konto.",
        "recipients": "Administration der Plattform in der Stadtverwaltung.",
        "plain_language": "Beim Lesen der Seiten speichert die Plattform keine IP-Adresse. Nur "
        "bei der Anmeldung von Beschäftigten hält sie die IP-Adresse sieben Tage fest.",
        "categories": [
            {
                "key": "ip-address",
                "name": "IP-Adresse bei Anmeldeversuchen",
                "purpose": "Angriffe auf Konten der Verwaltung erkennen und aufklären.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 7,
                "retention_unit": RetentionUnit.DAYS,
                "retention_start": "dem Anmeldeversuch",
                "necessity": "Ohne Herkunft ist ein Angriff auf Konten nicht aufzuklären.",
            },
            {
                "key": "sign-in-events",
                "name": "Anmeldeereignisse (Zeit, Konto, Erfolg)",
                "purpose": "Nachvollziehen, wer sich wann angemeldet hat.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 12,
                "retention_unit": RetentionUnit.MONTHS,
                "retention_start": "der Anmeldung",
                "necessity": "Schreibrechte müssen einer Anmeldung zuzuordnen sein.",
            },
            {
                "key": "sign-in-throttle",
                "name": "Fehlversuche je Kontoname (nur als Schlüssel-Hash)",
                "purpose": "Das Erraten von Passwörtern bremsen.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 1,
                "retention_unit": RetentionUnit.DAYS,
                "retention_start": "dem ersten Fehlversuch",
                "necessity": "Ohne Zählung je Konto ließe sich jedes Passwort durchprobieren.",
                "source_protection": SourceProtection.PSEUDONYMISED,
            },
            {
                "key": "rate-limit",
                "name": "Zähler je Anschluss bei Beiträgen und Stimmen (nur als Tages-Hash)",
                "purpose": "Überflutung mit Beiträgen, Unterstützungen und Stimmen bremsen, "
                "ohne Menschen zu verfolgen.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 1,
                "retention_unit": RetentionUnit.DAYS,
                "retention_start": "dem Zählfenster",
                "necessity": "Ohne Zählung je Anschluss könnte ein Programm eine Beteiligung "
                "oder Umfrage überfluten; die Adresse selbst wird nicht gespeichert.",
                "source_protection": SourceProtection.PSEUDONYMISED,
            },
        ],
    },
    {
        "slug": OPEN_DATA,
        "title": "Anonymisierung vor der Veröffentlichung offener Daten",
        "purposes": "Daten der Verwaltung, die Personen betreffen können, vor der "
        "Veröffentlichung als offene Daten prüfen und anonymisieren.",
        "data_subjects": "Personen, über die die Verwaltung Daten führt, je nach Datensatz.",
        "recipients": "Die veröffentlichende Stelle und der oder die "
        "Datenschutzbeauftragte; veröffentlicht wird nur das anonymisierte Ergebnis.",
        "plain_language": "Bevor die Stadt Tabellen als offene Daten veröffentlicht, sucht "
        "die Plattform darin nach Namen, Adressen und anderen Angaben zu Personen, entfernt "
        "oder vergröbert sie, und der Datenschutz prüft das Ergebnis. Die Rohdaten sieht nur "
        "die Verwaltung; sie werden nach 30 Tagen gelöscht.",
        "categories": [
            {
                "key": "raw-uploads",
                "name": "Rohdaten-Uploads (können personenbezogene Daten enthalten)",
                "purpose": "Anonymisierung und Prüfung vor der Veröffentlichung.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 30,
                "retention_unit": RetentionUnit.DAYS,
                "retention_start": "dem Hochladen",
                "necessity": "Anonymisieren lässt sich nur, was vorliegt; veröffentlicht wird "
                "nie die Rohfassung.",
            }
        ],
    },
    {
        "slug": ACCESSIBILITY_FEEDBACK,
        "title": "Rückmeldungen zur Barrierefreiheit der Plattform",
        "purposes": "Hinweise auf Barrieren und Anfragen nach Inhalten in zugänglicher Form "
        "entgegennehmen, beantworten und die Barrieren beheben (BITV 2.0, Richtlinie "
        "(EU) 2016/2102).",
        "data_subjects": "Menschen, die eine Rückmeldung zur Barrierefreiheit senden.",
        "recipients": "Die Administration der Plattform in der Stadtverwaltung.",
        "plain_language": "Sie brauchen kein Konto. Eine E-Mail-Adresse oder Telefonnummer "
        "geben Sie nur an, wenn Sie eine Antwort möchten; die Plattform löscht sie drei "
        "Monate nach der Antwort. Ihre Nachricht selbst löscht sie nach zwei Jahren.",
        "categories": [
            {
                "key": "reply-contact",
                "name": "E-Mail-Adresse oder Telefonnummer für die Antwort",
                "purpose": "Auf die Rückmeldung antworten.",
                "legal_basis": LegalBasis.ART6_A,
                "retention_amount": 3,
                "retention_unit": RetentionUnit.MONTHS,
                "retention_start": "der Antwort",
                "mandatory": False,
            },
            {
                "key": "feedback-message",
                "name": "Text der Rückmeldung und die betroffene Seite",
                "purpose": "Barrieren beheben und im Bericht zur Barrierefreiheit belegen, "
                "welche Hinweise eingingen.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 2,
                "retention_unit": RetentionUnit.YEARS,
                "retention_start": "dem Eingang der Rückmeldung",
                "necessity": "Ohne die Nachricht lässt sich die Barriere nicht beheben.",
            },
        ],
    },
    {
        "slug": TRAINING,
        "title": "Anmeldungen zu Schulungen",
        "purposes": "Plätze in kostenlosen Schulungen zur digitalen Teilhabe vergeben, die "
        "Warteliste führen und Teilnehmende über Änderungen, Absagen und frei gewordene Plätze "
        "benachrichtigen, wie es die Charta für die digitale Teilhabe verlangt.",
        "data_subjects": "Menschen, die sich online, per Telefon oder vor Ort zu einer "
        "Schulung anmelden.",
        "recipients": "Die Dienststelle, die die Schulung anbietet, und die Administration.",
        "plain_language": "Sie brauchen kein Konto. Für die Anmeldung genügen ein Name oder "
        "ein Pseudonym und eine E-Mail-Adresse oder Telefonnummer. Die Plattform löscht beides "
        "einen Monat nach dem Ende des Termins. Wie viele Menschen teilgenommen haben, bleibt "
        "nur als Zahl.",
        "categories": [
            {
                "key": "participant-contact",
                "name": "Name oder Pseudonym und E-Mail-Adresse oder Telefonnummer der "
                "Teilnehmenden",
                "purpose": "Den Platz zusagen, über Änderungen und frei gewordene Plätze "
                "benachrichtigen, die Anwesenheit vor Ort abgleichen.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 1,
                "retention_unit": RetentionUnit.MONTHS,
                "retention_start": "dem Ende des Termins",
                "necessity": "Ohne eine Möglichkeit, die Person zu erreichen, lässt sich "
                "weder ein Platz von der Warteliste vergeben noch eine Absage mitteilen.",
            },
        ],
    },
    {
        # Written by `offenestadt backup`; the operator deletes the archives on this period.
        "slug": BACKUPS,
        "title": "Sicherungskopien der Plattform",
        "purposes": "Die Plattform nach einem Ausfall, einem Fehler oder einem Angriff "
        "wiederherstellen (Art. 32 Abs. 1 Buchst. c DSGVO).",
        "data_subjects": "Alle Personen, deren Daten die Plattform führt: Beschäftigte und "
        "Einwohnerinnen und Einwohner, die sich beteiligen.",
        "recipients": "Der IT-Betrieb der Stadtverwaltung, der die Sicherungen verschlüsselt "
        "und getrennt vom Server aufbewahrt.",
        "plain_language": "Jede Nacht legt die Stadt eine Sicherungskopie der Plattform an, "
        "damit nach einem Ausfall nichts verloren geht. Die Kopien werden verschlüsselt "
        "aufbewahrt und nach 30 Tagen gelöscht. Hochgeladene Rohdaten sind nicht darin.",
        "categories": [
            {
                "key": "backup-archives",
                "name": "Sicherungskopien der Datenbank und der veröffentlichten Dateien (alle "
                "personenbezogenen Daten der Plattform außer den Rohdaten-Uploads)",
                "purpose": "Wiederherstellung nach einem Ausfall, Fehler oder Angriff.",
                "legal_basis": LegalBasis.ART6_E,
                "retention_amount": 30,
                "retention_unit": RetentionUnit.DAYS,
                "retention_start": "dem Anlegen der Sicherung",
                "necessity": "Ohne Sicherung gingen bei einem Ausfall Beteiligungen, "
                "Abstimmungen und das Änderungsprotokoll verloren.",
            }
        ],
    },
]


@transaction.atomic
def platform_register_ensure() -> list[ProcessingActivity]:
    """Enter the platform's own processings where they are missing; never overwrite."""
    created = []
    for entry in PLATFORM_ACTIVITIES:
        fields = {key: value for key, value in entry.items() if key != "categories"}
        if ProcessingActivity.objects.filter(slug=fields["slug"]).exists():
            continue
        activity = ProcessingActivity(
            **fields,
            is_platform_own=True,
            security_measures=_SECURITY,
            review_status=ReviewStatus.SUBMITTED,
        )
        save_record(record=activity, actor=None, event=AuditEvent.CREATED)
        for category in entry["categories"]:
            category_record = DataCategory(activity=activity, **category)
            save_record(record=category_record, actor=None, event=AuditEvent.CREATED)
        created.append(activity)
    return created
