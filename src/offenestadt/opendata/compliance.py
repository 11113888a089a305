"""Only anonymized data leaves (P1), and what is published is open to reuse (P2)."""

from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Outcome, Status, rule, worst_of_linked
from offenestadt.charter.models import CharterVersion
from offenestadt.opendata.models import Dataset
from offenestadt.registry.models import Project


@rule(Dataset, "P1", "anonymized-before-publication")
def anonymized_before_publication(dataset: Dataset, charter: CharterVersion) -> Outcome:
    personal = [p.title for p in dataset.projects.all() if p.processes_personal_data]
    if not personal:
        return Outcome(
            Status.NOT_APPLICABLE,
            _("Der Datensatz gehört zu keinem Projekt, das personenbezogene Daten verarbeitet."),
        )
    files = list(dataset.distributions.all())
    unapproved = [d.title for d in files if not d.anonymization.get("approved")]
    if not files or unapproved:
        return Outcome(
            Status.VIOLATED if dataset.in_catalogue else Status.MISSING,
            _(
                "Das Projekt verarbeitet personenbezogene Daten, aber diese Dateien haben keine "
                "freigegebene Anonymisierung: %(names)s. Veröffentlichen Sie sie über den "
                "Veröffentlichungsweg mit Anonymisierung."
            ),
            {"names": ", ".join(unapproved) or "–"},
            fix="#dateien",
        )
    return Outcome(Status.MET, _("Jede Datei ist anonymisiert und vom Datenschutz freigegeben."))


@rule(Dataset, "P2", "distributions-licensed")
def distributions_licensed(dataset: Dataset, charter: CharterVersion) -> Outcome:
    files = list(dataset.distributions.all())
    if not files:
        return Outcome(Status.NOT_APPLICABLE, _("Der Datensatz hat noch keine Dateien."))
    unlicensed = [d.title for d in files if not d.effective_licence]
    if unlicensed:
        return Outcome(
            Status.VIOLATED if dataset.in_catalogue else Status.MISSING,
            _("Ohne Lizenz veröffentlicht: %(names)s. Wählen Sie eine offene Lizenz."),
            {"names": ", ".join(unlicensed)},
            fix="#dateien",
        )
    return Outcome(Status.MET, _("Jede Datei steht unter einer offenen Lizenz."))


@rule(Project, "P1", "datasets-anonymized")
def datasets_anonymized(project: Project, charter: CharterVersion) -> Outcome:
    return worst_of_linked(
        list(project.datasets.all()),
        charter,
        "P1",
        met=_("Die Datensätze des Projekts enthalten nur anonymisierte Daten."),
        none=_("Das Projekt veröffentlicht keine Datensätze aus personenbezogenen Daten."),
    )


@rule(Project, "P2", "datasets-licensed")
def datasets_licensed(project: Project, charter: CharterVersion) -> Outcome:
    return worst_of_linked(
        list(project.datasets.all()),
        charter,
        "P2",
        met=_("Die Datensätze des Projekts stehen unter offenen Lizenzen."),
        none=_("Das Projekt hat keine Datensätze mit Dateien."),
    )
