"""The project page's software table leads to the register entry a component names."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from offenestadt.registry.models import SoftwareComponent
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.software import services


def test_a_component_links_to_its_register_entry_the_others_do_not(editor, client_for):
    project = ProjectFactory.create(title="Umweltsensoren")
    entries = [
        services.component_create(
            actor=editor, name=f"Dashboard {n}", short_description="x", licence="EUPL-1.2"
        )
        for n in range(3)
    ]
    for entry in entries:
        SoftwareComponent.objects.create(project=project, name=entry.name, register_entry=entry)
    SoftwareComponent.objects.create(project=project, name="Eigenbau ohne Eintrag")
    client = client_for(None)
    page = client.get(project.get_absolute_url()).content.decode()
    for entry in entries:
        assert f'<a href="/software/{entry.slug}/">{entry.name}</a>' in page
    assert "<td>Eigenbau ohne Eintrag" in page

    # No query per row: the entries come with the components.
    with CaptureQueriesContext(connection) as queries:
        client.get(project.get_absolute_url())
    assert not [q for q in queries.captured_queries if 'FROM "software_component"' in q["sql"]]
