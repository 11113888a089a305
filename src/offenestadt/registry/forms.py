from typing import ClassVar

from django import forms

from offenestadt.registry.models import Project


class ProjectForm(forms.ModelForm[Project]):
    class Meta:
        model = Project
        fields: ClassVar = [
            "title",
            "summary",
            "plain_language_summary",
            "office",
            "status",
            "internal_note",
        ]
