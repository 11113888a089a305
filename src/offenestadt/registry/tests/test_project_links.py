"""Saving a record from its form keeps the links to projects the user may not link (another
office's), which the form does not offer, and takes the ones chosen among those it does."""

from typing import Any

from django import forms

from offenestadt.accounts.models import Office, User
from offenestadt.contracts.models import Contract
from offenestadt.registry.forms import projects_to_link
from offenestadt.registry.rules import projects_linkable_by
from offenestadt.registry.tests.factories import ProjectFactory


class _LinkForm(forms.ModelForm[Contract]):
    class Meta:
        model = Contract
        fields = ("projects",)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects_linkable_by(user)  # type: ignore[attr-defined]


def test_links_beyond_the_users_reach_stay_and_the_chosen_ones_replace_the_rest(
    editor: User, office: Office, other_office: Office
) -> None:
    mine, also_mine = ProjectFactory.create_batch(2, office=office)
    theirs = ProjectFactory.create(office=other_office)
    contract = Contract.objects.create(title="Wartungsvertrag")
    contract.projects.set([mine, theirs])

    form = _LinkForm({"projects": [also_mine.pk]}, instance=contract, user=editor)
    assert form.is_valid(), form.errors
    assert set(projects_to_link(form, contract)) == {also_mine, theirs}


def test_a_new_record_is_linked_to_what_was_chosen(editor: User, office: Office) -> None:
    mine = ProjectFactory.create(office=office)
    contract = Contract(title="Neuer Vertrag")
    form = _LinkForm({"projects": [mine.pk]}, instance=contract, user=editor)
    assert form.is_valid(), form.errors
    assert projects_to_link(form, contract) == [mine]
