from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.accessibility.models import Feedback, Statement
from offenestadt.core.forms import DATE_INPUT
from offenestadt.core.retention import ACCESSIBILITY_FEEDBACK, retention_period


class FeedbackForm(forms.ModelForm[Feedback]):
    class Meta:
        model = Feedback
        fields: ClassVar = ["message", "page", "contact"]
        widgets: ClassVar = {"message": forms.Textarea(attrs={"rows": 6})}
        labels: ClassVar = {"message": _("Was ist Ihnen aufgefallen?")}
        help_texts: ClassVar = {
            "message": _(
                "Beschreiben Sie die Barriere oder nennen Sie den Inhalt, den Sie in einer "
                "anderen Form brauchen (zum Beispiel als Text statt als PDF)."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # How long the way to reply is kept, as the register says today.
        period = retention_period(activity=ACCESSIBILITY_FEEDBACK, category="reply-contact")
        if period is not None and period.has_retention:
            contact = self.fields["contact"]
            contact.help_text = _("%(help)s Aufbewahrt: %(period)s.") % {
                "help": contact.help_text,
                "period": period.retention_text,
            }


class StatementForm(forms.ModelForm[Statement]):
    class Meta:
        model = Statement
        fields: ClassVar = ["conformance", "known_gaps", "checked_on", "method", "updated_on"]
        widgets: ClassVar = {
            "known_gaps": forms.Textarea(attrs={"rows": 8}),
            "checked_on": DATE_INPUT,
            "updated_on": DATE_INPUT,
        }


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Was wurde geantwortet oder behoben?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Intern, für die Administration und den Bericht zur Barrierefreiheit."),
    )
