"""A dataset's findings link to where they are fixed: the licence on the dataset's form, a
file not cleared of personal data to the step that sends it to be anonymized (asked on a
page of its own), or, while it cannot go there, to its place on the page."""

from collections.abc import Callable

from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.charter.engine import evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.opendata.catalogue.models import Dataset, Distribution
from offenestadt.opendata.catalogue.tests.support import make_dataset
from offenestadt.opendata.filescan.models import FileScan, ScanState
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


def _checked_file(editor: User, state: ScanState) -> tuple[Dataset, Distribution]:
    """A dataset of a project with personal data, its one file checked with ``state``."""
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    dataset = make_dataset(editor, project, name="baeume", publish=False)
    file = dataset.distributions.get()
    FileScan.objects.filter(object_id=file.pk, field_name="file").update(state=state)
    return dataset, file


def test_a_file_without_licence_opens_the_dataset_s_form_at_the_licence(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    dataset = make_dataset(editor, project, name="baeume", publish=False, licence="")
    assert dataset.distributions.exists()
    fixes = {f.rule: f.fix_url for f in evaluate(dataset, charter)}

    assert fixes["distributions-licensed"] == "/daten/baeume/bearbeiten/#id_licence"
    response = client_for(editor).get(fixes["distributions-licensed"])
    assert response.status_code == 200
    assert response.context["form"]["name"].value() == "baeume"
    assert 'id="id_licence"' in response.content.decode()


def test_a_file_with_personal_data_opens_the_step_that_anonymizes_it(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    dataset, file = _checked_file(editor, ScanState.PERSONAL_DATA)
    fixes = {f.rule: f.fix_url for f in evaluate(dataset, charter)}

    address = f"/daten/baeume/dateien/{file.identifier}/anonymisieren/"
    assert fixes["anonymized-before-publication"] == address
    # The link asks the question for this file; nothing moves until it is answered.
    response = client_for(editor).get(address)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"„{file.title}“ in die Anonymisierung geben?" in page
    assert f'action="{address}"' in page and 'name="bestaetigt" value="1"' in page
    assert dataset.distributions.filter(pk=file.pk).exists()


def test_a_file_still_being_checked_is_shown_at_its_place(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    dataset, file = _checked_file(editor, ScanState.PENDING)
    fixes = {f.rule: f.fix_url for f in evaluate(dataset, charter)}

    assert fixes["anonymized-before-publication"] == (
        f"/daten/baeume/#datei-{file.identifier}-heading"
    )


def test_a_file_the_pipeline_cannot_read_is_refused_before_asking(
    editor: User, client_for: ClientFor
) -> None:
    _dataset, file = _checked_file(editor, ScanState.PERSONAL_DATA)
    file.file.name = "baeume.pdf"
    file.save()

    response = client_for(editor).get(f"/daten/baeume/dateien/{file.identifier}/anonymisieren/")

    page = response.content.decode()
    assert response.status_code == 409
    assert "In die Anonymisierung gehen CSV-, Parquet- und Excel-Dateien" in page
    assert 'name="bestaetigt"' not in page
