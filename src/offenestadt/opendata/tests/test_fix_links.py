"""A dataset's findings link to where they are fixed: the licence on the dataset's form, a
file not cleared of personal data at its place on the page, beside the button that sends it
to be anonymized."""

from collections.abc import Callable

from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.charter.engine import evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.opendata.catalogue.tests.support import make_dataset
from offenestadt.opendata.filescan.models import FileScan, ScanState
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


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


def test_a_file_with_personal_data_opens_its_place_with_the_way_to_anonymize_it(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    dataset = make_dataset(editor, project, name="baeume", publish=False)
    file = dataset.distributions.get()
    FileScan.objects.filter(object_id=file.pk, field_name="file").update(
        state=ScanState.PERSONAL_DATA
    )
    fixes = {f.rule: f.fix_url for f in evaluate(dataset, charter)}

    assert fixes["anonymized-before-publication"] == (
        f"/daten/baeume/#datei-{file.identifier}-heading"
    )
    page = client_for(editor).get(fixes["anonymized-before-publication"]).content.decode()
    section = page[page.index(f'id="datei-{file.identifier}-heading"') :]
    assert f'action="/daten/baeume/dateien/{file.identifier}/anonymisieren/"' in section
