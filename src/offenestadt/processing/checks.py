"""A start-up check that every erasure rule points into the platform's own register: a rule
naming an activity or category the register does not have would silently erase nothing."""

from django.core.checks import CheckMessage, Error, register

from offenestadt.core.retention import retention_rules
from offenestadt.processing.platform import PLATFORM_ACTIVITIES


@register()
def check_retention_rules(**kwargs: object) -> list[CheckMessage]:
    categories = {
        activity["slug"]: {category["key"] for category in activity["categories"]}
        for activity in PLATFORM_ACTIVITIES
    }
    problems: list[CheckMessage] = []
    for rule in retention_rules():
        erase = f"{rule.erase.__module__}.{rule.erase.__qualname__}"
        if rule.activity not in categories:
            problems.append(
                Error(
                    f"The retention rule {erase} names the activity {rule.activity!r}, which "
                    "the platform's register does not have: it would erase nothing.",
                    hint="Name one of: " + ", ".join(sorted(categories)) + ".",
                    obj=erase,
                    id="processing.E001",
                )
            )
        elif rule.category not in categories[rule.activity]:
            problems.append(
                Error(
                    f"The retention rule {erase} names the category {rule.category!r} of "
                    f"{rule.activity!r}, which the platform's register does not have: it "
                    "would erase nothing.",
                    hint="Name one of: " + ", ".join(sorted(categories[rule.activity])) + ".",
                    obj=erase,
                    id="processing.E002",
                )
            )
    return problems
