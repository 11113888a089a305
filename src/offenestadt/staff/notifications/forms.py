"""The staff's choice of notices."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from offenestadt.staff.notifications.models import NoticeKind


class NoticeChoicesForm(forms.Form):
    """A value not on the page is refused without being repeated: a sent value may be
    megabytes long or hold control characters."""

    kinds = forms.MultipleChoiceField(
        label=_("E-Mail bekommen bei"),
        choices=NoticeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Was Sie abwählen, bekommen Sie nicht mehr per E-Mail."),
        error_messages={"invalid_choice": _("Wählen Sie nur Benachrichtigungen aus der Liste.")},
    )
    language = forms.ChoiceField(
        label=_("Sprache der E-Mails"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("Wählen Sie eine der angebotenen Sprachen.")},
    )

    def enabled(self) -> set[NoticeKind]:
        return {NoticeKind(kind) for kind in self.cleaned_data["kinds"]}
