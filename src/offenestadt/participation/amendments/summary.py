"""A proposal's charter change in one sentence, as people read it, in the reader's language:
on the proposal's page, on the adoption page and in the notice of the city's answer. A
principle is named with its title and a check by what it asks, as the newest charter version
and the catalogue have them."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from offenestadt.charter.engine import registered_rule
from offenestadt.charter.selectors import newest_charter
from offenestadt.core.display import display_value, label_for


def charter_change_summary(change: Mapping[str, Any]) -> str:
    """What ``change`` (a cleaned change, see services.charter_change_clean) does; "" for
    none. The texts a change gives in full are left to the page that shows them."""
    if not change:
        return ""
    charter = newest_charter()
    principles = {p.id: p for p in charter.principles()} if charter else {}

    def named(identifier: str) -> str:
        if identifier in principles:
            title = principles[identifier].title
            return _("%(id)s „%(title)s“") % {"id": identifier, "title": title}
        return identifier

    if "principle" in change:
        return _("Neuer Text für das Prinzip %(principle)s.") % {
            "principle": named(change["principle"])
        }
    if "parameter" in change:
        return _("Der Parameter „%(parameter)s“ bekommt den Wert %(value)s.") % {
            "parameter": label_for(change["parameter"]),
            "value": display_value(change["value"]) or "–",
        }
    if "new_principle" in change:
        english = (get_language() or "de").startswith("en") and change.get("title_en")
        return _("Neues Prinzip %(id)s „%(title)s“.") % {
            "id": change["new_principle"],
            "title": english or change["title_de"],
        }
    if "check" not in change:
        return ""
    rule = registered_rule(change["check"])
    names = {
        "check": _("„%(description)s“ (%(id)s)")
        % {"description": rule.description, "id": change["check"]}
        if rule
        else change["check"],
        "bind": named(change.get("bind", "")),
        "release": named(change.get("release", "")),
    }
    if change.get("bind") and change.get("release"):
        return (
            _(
                "Die Prüfung %(check)s wird vom Prinzip %(release)s gelöst und an das Prinzip "
                "%(bind)s gebunden."
            )
            % names
        )
    if change.get("bind"):
        return _("Die Prüfung %(check)s wird an das Prinzip %(bind)s gebunden.") % names
    sentence = _("Die Prüfung %(check)s wird vom Prinzip %(release)s gelöst.") % names
    binders = {p.id for p in principles.values() if change["check"] in p.checks}
    if binders == {change["release"]}:
        sentence += " " + _("Dann bindet sie kein Prinzip mehr und wird nicht mehr geprüft.")
    return sentence
