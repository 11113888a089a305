"""Form helpers every app's views share."""

from django import forms
from django.core.exceptions import ValidationError

# A date field as the browser's date picker, which sends and shows ISO dates.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's validation errors on the form: beside their field, or above all."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, ValidationError(errors))
