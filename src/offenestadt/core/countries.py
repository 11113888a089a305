"""Where data may go: the states of the EU and the EEA, and the rule that a country outside
them is a third country, whose transfers need a safeguard (Art. 44 ff. GDPR). Contracts, the
register of processing activities and its export all ask here.
"""

from typing import TYPE_CHECKING

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# EU member states and the other EEA states (Iceland, Liechtenstein, Norway), ISO 3166-1.
EU_EEA_COUNTRIES = frozenset(
    (
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
        *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
        *("IS", "LI", "NO"),
    )
)
country_code = RegexValidator(
    r"^[A-Z]{2}$", _("Zwei Großbuchstaben nach ISO 3166-1, zum Beispiel DE oder FR.")
)


def country_field(
    verbose_name: "str | StrPromise | None" = None,
    *,
    blank: bool = False,
    help_text: "str | StrPromise" = "",
) -> "models.CharField[str, str]":
    return models.CharField(
        verbose_name or _("Land (ISO-Code)"),
        max_length=2,
        validators=[country_code],
        blank=blank,
        help_text=help_text,
    )


def in_eu_eea(country: str) -> bool:
    """Known to be inside the EU or the EEA."""
    return country in EU_EEA_COUNTRIES


def is_third_country(country: str) -> bool:
    """Outside the EU and the EEA; an unknown (empty) country is not known to be either."""
    return bool(country) and not in_eu_eea(country)
