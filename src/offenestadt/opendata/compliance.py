"""Only anonymized data leaves (P1), and what is published is open to reuse (P2); the gate
before a dataset enters the catalogue."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Outcome, Status, evaluate, rule, worst_of_linked
from offenestadt.charter.gates import GateRefusedError, gate_blockers
from offenestadt.charter.models import CharterVersion
from offenestadt.opendata.filescan import services as filescan
from offenestadt.opendata.models import Dataset
from offenestadt.opendata.pipeline.models import sendable_to_pipeline
from offenestadt.registry.models import Project


@rule(
    Dataset,
    "anonymized-before-publication",
    description=_(
        "Verarbeitet ein Projekt des Datensatzes personenbezogene Daten, ist jede Datei vor der "
        "Veröffentlichung ohne personenbezogene Daten geprüft, anonymisiert oder vom Datenschutz "
        "freigegeben."
    ),
)
def anonymized_before_publication(dataset: Dataset, charter: CharterVersion) -> Outcome:
    """Judged before publication too (publishing asks this rule): a file counts as cleared
    when its current check found no personal data, the DPO approved it, or it is the
    pipeline's anonymized output; a link elsewhere is served by nobody here. Only files
    that are not cleared (unchecked, pending, personal data found) hold the dataset back.
    """
    personal = [p.title for p in dataset.projects.all() if p.processes_personal_data]
    if not personal:
        return Outcome(
            Status.NOT_APPLICABLE,
            _("Der Datensatz gehört zu keinem Projekt, das personenbezogene Daten verarbeitet."),
        )
    files = list(dataset.distributions.order_by("pk"))
    if not files:
        return Outcome(Status.NOT_APPLICABLE, _("Der Datensatz hat noch keine Dateien."))
    cleared = set(dataset.distributions.public().values_list("pk", flat=True))
    uncleared = [d for d in files if d.pk not in cleared]
    if uncleared:
        first = uncleared[0]
        # The step that sends the first file to be anonymized, asked for on a page of its own;
        # else (a check still running, a format the pipeline does not read) the file's part
        # of the page, which says why.
        fix = f"#datei-{first.identifier}-heading"
        if sendable_to_pipeline(first, filescan.current_scan(first, "file")):
            to_pipeline = [dataset.name, first.identifier]
            fix = reverse("opendata:distribution_to_pipeline", args=to_pipeline)
        return Outcome(
            Status.VIOLATED if dataset.in_catalogue else Status.MISSING,
            _(
                "Das Projekt verarbeitet personenbezogene Daten, aber diese Dateien sind nicht "
                "als frei von personenbezogenen Daten geprüft, anonymisiert oder vom "
                "Datenschutz freigegeben: %(names)s. Veröffentlichen Sie sie über den "
                "Veröffentlichungsweg mit Anonymisierung."
            ),
            {"names": ", ".join(d.title for d in uncleared)},
            fix=fix,
        )
    return Outcome(
        Status.MET,
        _(
            "Jede Datei ist ohne personenbezogene Daten geprüft, anonymisiert oder vom "
            "Datenschutz freigegeben, oder ein Verweis auf eine andere Adresse."
        ),
    )


@rule(
    Dataset,
    "distributions-licensed",
    description=_(
        "Jede Datei des Datensatzes steht unter einer Lizenz, ihrer eigenen oder der des "
        "Datensatzes."
    ),
)
def distributions_licensed(dataset: Dataset, charter: CharterVersion) -> Outcome:
    files = list(dataset.distributions.all())
    if not files:
        return Outcome(Status.NOT_APPLICABLE, _("Der Datensatz hat noch keine Dateien."))
    unlicensed = [d.title for d in files if not d.effective_licence]
    # The dataset's licence holds for each file that names none.
    fix = reverse("opendata:dataset_edit", args=[dataset.name]) + "#id_licence"
    if unlicensed and dataset.in_catalogue:
        return Outcome(
            Status.VIOLATED,
            _("Ohne Lizenz veröffentlicht: %(names)s. Wählen Sie eine offene Lizenz."),
            {"names": ", ".join(unlicensed)},
            fix=fix,
        )
    if unlicensed:
        # Before publication (publishing asks this rule): nothing is out yet.
        return Outcome(
            Status.MISSING,
            _("Noch ohne Lizenz: %(names)s. Wählen Sie eine offene Lizenz."),
            {"names": ", ".join(unlicensed)},
            fix=fix,
        )
    return Outcome(Status.MET, _("Jede Datei steht unter einer offenen Lizenz."))


@rule(
    Project,
    "datasets-anonymized",
    description=_(
        "Die Datensätze des Projekts bestehen ihre Prüfungen zur Anonymisierung; es zählt der "
        "schlechteste Befund unter ihnen."
    ),
    counts=("anonymized-before-publication",),
)
def datasets_anonymized(project: Project, charter: CharterVersion) -> Outcome:
    return worst_of_linked(
        list(project.datasets.all()),
        charter,
        "datasets-anonymized",
        met=_("Die Datensätze des Projekts enthalten nur anonymisierte Daten."),
        none=_("Das Projekt veröffentlicht keine Datensätze aus personenbezogenen Daten."),
    )


@rule(
    Project,
    "datasets-licensed",
    description=_(
        "Die Datensätze des Projekts bestehen ihre Prüfungen zu Lizenzen; es zählt der "
        "schlechteste Befund unter ihnen."
    ),
    counts=("distributions-licensed",),
)
def datasets_licensed(project: Project, charter: CharterVersion) -> Outcome:
    return worst_of_linked(
        list(project.datasets.all()),
        charter,
        "datasets-licensed",
        met=_("Die Datensätze des Projekts stehen unter offenen Lizenzen."),
        none=_("Das Projekt hat keine Datensätze mit Dateien."),
    )


# --- the gate before the catalogue ---------------------------------------------------------


def dataset_gate(*, dataset: Dataset) -> None:
    """Let the dataset into the catalogue, or raise GateRefusedError with what is missing.

    It needs a licence, something to download, every file cleared by the check for personal
    data, and no finding of a gating principle of the charter in force against it.
    """
    problems = []
    if not dataset.licence:
        problems.append(gettext("Wählen Sie eine Lizenz."))
    distributions = list(dataset.distributions.all())
    if not distributions:
        problems.append(gettext("Fügen Sie mindestens eine Datei oder Adresse hinzu."))
    # Publishing checks again: every file must be cleared of personal data.
    for distribution in distributions:
        problems.extend(
            filescan.publication_problems(distribution, label=f"„{distribution.title}“")
        )
    # The charter in force is asked like at a project's or contract's gates; there is no
    # council override for datasets: a file the check cannot clear has the DPO's path.
    charter = CharterVersion.objects.in_force()
    blockers = gate_blockers(evaluate(dataset, charter), charter) if charter is not None else []
    if problems or blockers:
        raise GateRefusedError(problems, blockers)
