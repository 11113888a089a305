"""The council's records as its information system publishes them through OParl.

Each record keeps its OParl id (the object's URL), the `modified` time the server gave and a
`deleted` mark: an object the server reports deleted is marked, never erased. Only the fields
the platform reads are kept; of a person only the name and the roles as published, no contact
data. The records mirror an outside source that keeps its own history, so their import writes
no audit entries.
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class OParlObject(models.Model):
    oparl_id = models.CharField(_("OParl-ID"), max_length=1000, unique=True)
    modified = models.DateTimeField(_("geändert (laut Ratsinformationssystem)"), null=True)
    deleted = models.BooleanField(_("gelöscht"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, "name", "") or self.oparl_id)


class Location(OParlObject):
    description = models.TextField(_("Beschreibung"), blank=True)
    street_address = models.CharField(_("Straße und Hausnummer"), max_length=300, blank=True)
    room = models.CharField(_("Raum"), max_length=300, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=20, blank=True)
    locality = models.CharField(_("Ort"), max_length=200, blank=True)
    geojson = models.JSONField(_("GeoJSON"), null=True)

    class Meta:
        verbose_name = _("Ort")
        verbose_name_plural = _("Orte")

    def __str__(self) -> str:
        return self.description or self.street_address or self.oparl_id


class Body(OParlObject):
    name = models.CharField(_("Name"), max_length=300)
    short_name = models.CharField(_("Kurzname"), max_length=100, blank=True)
    ags = models.CharField(_("Amtlicher Gemeindeschlüssel"), max_length=8, blank=True)
    website = models.URLField(_("Website"), max_length=1000, blank=True)
    location = models.ForeignKey(
        Location, models.SET_NULL, null=True, related_name="+", verbose_name=_("Ort")
    )

    class Meta:
        verbose_name = _("Körperschaft")
        verbose_name_plural = _("Körperschaften")


class LegislativeTerm(OParlObject):
    body = models.ForeignKey(
        Body, models.CASCADE, related_name="legislative_terms", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Name"), max_length=300, blank=True)
    start_date = models.DateField(_("Beginn"), null=True)
    end_date = models.DateField(_("Ende"), null=True)

    class Meta:
        verbose_name = _("Wahlperiode")
        verbose_name_plural = _("Wahlperioden")


class Organization(OParlObject):
    body = models.ForeignKey(
        Body, models.CASCADE, related_name="organizations", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Name"), max_length=300, blank=True)
    short_name = models.CharField(_("Kurzname"), max_length=100, blank=True)
    organization_type = models.CharField(_("Art"), max_length=100, blank=True)
    classification = models.CharField(_("Klassifizierung"), max_length=200, blank=True)
    start_date = models.DateField(_("Beginn"), null=True)
    end_date = models.DateField(_("Ende"), null=True)
    web = models.URLField(_("Webseite"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")


class Person(OParlObject):
    """Name and roles only: the system's contact data (e-mail, phone, address) stays there."""

    body = models.ForeignKey(
        Body, models.CASCADE, related_name="persons", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Name"), max_length=300, blank=True)
    family_name = models.CharField(_("Nachname"), max_length=200, blank=True)
    given_name = models.CharField(_("Vorname"), max_length=200, blank=True)
    form_of_address = models.CharField(_("Anrede"), max_length=100, blank=True)
    title = models.CharField(_("Titel"), max_length=200, blank=True)
    status = models.CharField(_("Rolle"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")


class Membership(OParlObject):
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="memberships", verbose_name=_("Person")
    )
    organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        related_name="memberships",
        verbose_name=_("Gremium"),
    )
    role = models.CharField(_("Rolle"), max_length=300, blank=True)
    voting_right = models.BooleanField(_("stimmberechtigt"), null=True)
    start_date = models.DateField(_("Beginn"), null=True)
    end_date = models.DateField(_("Ende"), null=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")

    def __str__(self) -> str:
        return self.role or self.oparl_id


class Meeting(OParlObject):
    body = models.ForeignKey(
        Body, models.CASCADE, related_name="meetings", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Name"), max_length=500, blank=True)
    meeting_state = models.CharField(_("Status"), max_length=100, blank=True)
    cancelled = models.BooleanField(_("abgesagt"), default=False)
    start = models.DateTimeField(_("Beginn"), null=True)
    end = models.DateTimeField(_("Ende"), null=True)
    location = models.ForeignKey(
        Location, models.SET_NULL, null=True, related_name="meetings", verbose_name=_("Ort")
    )
    organizations = models.ManyToManyField(
        Organization, related_name="meetings", verbose_name=_("Gremien")
    )
    web = models.URLField(_("Webseite"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")


class AgendaItem(OParlObject):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda_items", verbose_name=_("Sitzung")
    )
    number = models.CharField(_("Nummer"), max_length=50, blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"))
    name = models.TextField(_("Gegenstand"), blank=True)
    public = models.BooleanField(_("öffentlich"), null=True)
    result = models.CharField(_("Ergebnis"), max_length=300, blank=True)
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)
    start = models.DateTimeField(_("Beginn"), null=True)
    end = models.DateTimeField(_("Ende"), null=True)

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering: ClassVar = ["meeting", "order"]


class Paper(OParlObject):
    body = models.ForeignKey(
        Body, models.CASCADE, related_name="papers", verbose_name=_("Körperschaft")
    )
    name = models.TextField(_("Titel"), blank=True)
    reference = models.CharField(_("Aktenzeichen"), max_length=100, blank=True)
    date = models.DateField(_("Datum"), null=True)
    paper_type = models.CharField(_("Art"), max_length=200, blank=True)
    web = models.URLField(_("Webseite"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("Vorlage")
        verbose_name_plural = _("Vorlagen")


class Consultation(OParlObject):
    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="consultations", verbose_name=_("Vorlage")
    )
    meeting = models.ForeignKey(
        Meeting,
        models.SET_NULL,
        null=True,
        related_name="consultations",
        verbose_name=_("Sitzung"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.SET_NULL,
        null=True,
        related_name="consultations",
        verbose_name=_("Tagesordnungspunkt"),
    )
    # The ids as published, so a link to a meeting imported later can still be made.
    meeting_ref = models.CharField(_("OParl-ID der Sitzung"), max_length=1000, blank=True)
    agenda_item_ref = models.CharField(
        _("OParl-ID des Tagesordnungspunkts"), max_length=1000, blank=True
    )
    role = models.CharField(_("Rolle"), max_length=200, blank=True)
    authoritative = models.BooleanField(_("beschließend"), null=True)

    class Meta:
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungen")
        indexes: ClassVar = [
            # Each imported meeting looks up the consultations that wait for it by its id.
            models.Index(fields=["meeting_ref"], name="council_consult_meeting_ref"),
        ]

    def __str__(self) -> str:
        return self.role or self.oparl_id


# The OParl names of a file's function for its owner, as the pages call them.
FILE_ROLE_LABELS = {
    "mainFile": _("Hauptdokument"),
    "invitation": _("Einladung"),
    "resultsProtocol": _("Ergebnisprotokoll"),
    "verbatimProtocol": _("Wortprotokoll"),
    "resolutionFile": _("Beschluss"),
    "auxiliaryFile": _("Anlage"),
}


class File(OParlObject):
    """A link to a document in the council information system; the file is not copied."""

    name = models.CharField(_("Name"), max_length=500, blank=True)
    file_name = models.CharField(_("Dateiname"), max_length=500, blank=True)
    mime_type = models.CharField(_("Dateityp"), max_length=200, blank=True)
    date = models.DateField(_("Datum"), null=True)
    access_url = models.URLField(_("Adresse"), max_length=2000)
    download_url = models.URLField(_("Download-Adresse"), max_length=2000, blank=True)
    paper = models.ForeignKey(
        Paper, models.CASCADE, null=True, related_name="files", verbose_name=_("Vorlage")
    )
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, null=True, related_name="files", verbose_name=_("Sitzung")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.CASCADE,
        null=True,
        related_name="files",
        verbose_name=_("Tagesordnungspunkt"),
    )
    # Which of its owner's documents it is: mainFile, invitation, resolutionFile, …
    role = models.CharField(_("Funktion"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("Datei")
        verbose_name_plural = _("Dateien")

    @property
    def role_label(self) -> str:
        return str(FILE_ROLE_LABELS.get(self.role, self.role))


class SyncState(models.Model):
    """How far the import of one list of a body has come, so that an interrupted run resumes."""

    body = models.ForeignKey(
        Body, models.CASCADE, related_name="sync_states", verbose_name=_("Körperschaft")
    )
    list_name = models.CharField(_("Liste"), max_length=50)
    # The next page to read when the last walk stopped before its end; empty when it finished.
    resume_url = models.CharField(_("fortsetzen bei"), max_length=2000, blank=True)
    walk_started = models.DateTimeField(_("Durchlauf begonnen"), null=True)
    synced_until = models.DateTimeField(_("vollständig bis"), null=True)

    class Meta:
        verbose_name = _("Abgleichstand")
        verbose_name_plural = _("Abgleichstände")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["body", "list_name"], name="council_sync_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.body} – {self.list_name}"
