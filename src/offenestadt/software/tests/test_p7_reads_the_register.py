"""The charter's P7 rule judges a project's software by its register entry where it has one."""

from offenestadt.charter.engine import Status, evaluate
from offenestadt.registry.models import SoftwareComponent
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.software import services


def _p7(project, charter):
    (finding,) = [f for f in evaluate(project, charter) if f.rule == "open-source-licence"]
    return finding.status, finding.message.de, finding.fix_url


def test_the_register_entry_counts_not_the_parts_own_fields(charter, editor, client_for):
    entry = services.component_create(
        actor=editor,
        name="Dashboard",
        short_description="Vom Hersteller.",
        licence="LicenseRef-Proprietaer",
    )
    project = ProjectFactory.create(title="Umweltsensoren")
    SoftwareComponent.objects.create(
        project=project,
        name="Dashboard",
        register_entry=entry,
        licence="EUPL-1.2",
        repository_url="https://example.org/code",
    )
    status, message, fix = _p7(project, charter)
    assert status == Status.VIOLATED and "ohne OSI-anerkannte Lizenz: Dashboard" in message
    assert fix == f"/software/{entry.slug}/bearbeiten/#id_licence"

    services.component_update(
        actor=editor, component=entry, licence="EUPL-1.2", repository_url="https://example.org/x"
    )
    status, message, _ = _p7(project, charter)
    assert status == Status.MISSING and "offenen Standards von: Dashboard" in message

    services.component_update(actor=editor, component=entry, open_standards=["GeoJSON"])
    assert _p7(project, charter)[0] == Status.MET
    # The project's page names the register entry's users; the entry's page, the project.
    assert "Umweltsensoren" in client_for(None).get(entry.get_absolute_url()).content.decode()


def test_a_change_to_the_entry_evaluates_its_projects_again(charter, editor):
    entry = services.component_create(
        actor=editor, name="Fachverfahren", short_description="x", licence="EUPL-1.2"
    )
    project = ProjectFactory.create()
    SoftwareComponent.objects.create(project=project, name="Fachverfahren", register_entry=entry)
    before = project.evaluations.count()
    services.component_update(actor=editor, component=entry, publicly_funded=False)
    assert project.evaluations.count() == before + 1
    assert [
        f for f in project.evaluations.latest("evaluated_at").findings if f["principle"] == "P7"
    ]
