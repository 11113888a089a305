"""A comment for everyone; one that came by phone, letter or in person for staff."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.participation.comments.models import Comment
from offenestadt.participation.comments.services import COMMENT_MAX_LENGTH
from offenestadt.participation.procedures.models import Paragraph, Procedure
from offenestadt.registry.channels import NON_DIGITAL_CHANNELS, Channel


class CommentForm(forms.Form):
    """A comment: a text, and a name only if someone wants to give one."""

    pseudonym = forms.CharField(
        label=_("Name oder Pseudonym"),
        max_length=80,
        required=False,
        help_text=_("Freiwillig. Ohne Angabe erscheint „anonym“."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    text = forms.CharField(
        label=_("Kommentar"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class OfflineCommentForm(CommentForm):
    """A comment that came by phone, letter or in person, entered by staff."""

    channel = forms.ChoiceField(label=_("Eingegangen per"))
    paragraph = forms.ModelChoiceField(
        label=_("Zu Absatz"),
        queryset=Paragraph.objects.none(),
        required=False,
        empty_label=_("zum Verfahren allgemein"),
    )
    parent = forms.IntegerField(
        label=_("Antwort auf Kommentar Nr."),
        required=False,
        min_value=1,
        help_text=_("Nur wenn der Beitrag auf einen Kommentar antwortet."),
    )

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["channel", "paragraph", "parent", "pseudonym", "text"])
        self.procedure = procedure
        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            (channel.value, channel.label) for channel in Channel if channel in NON_DIGITAL_CHANNELS
        ]
        self.fields["paragraph"].queryset = (  # type: ignore[attr-defined]
            Paragraph.objects.filter(document__procedure=procedure).select_related("document")
        )
        self.fields["pseudonym"].help_text = _(
            "Wie die Person genannt werden möchte; leer für „anonym“. Keine Adresse, keine "
            "Telefonnummer."
        )

    def clean_parent(self) -> Comment | None:
        number = self.cleaned_data.get("parent")
        if number is None:
            return None
        parent = Comment.objects.filter(procedure=self.procedure, pk=number).first()
        if parent is None:
            raise forms.ValidationError(
                _("In diesem Verfahren gibt es keinen Kommentar Nr. %(number)s.")
                % {"number": number}
            )
        return parent
