"""Charter documents from before charters bound their own checks (format 1), read as today's.

Until then the code tied each check to one of the seven principles P1–P7, and a charter set
its parameters once for all checks, each under a principle that named it. Such a version
(stored, or a file loaded today) is read with the binding the code made then
(``FORMAT_1_BINDINGS``), and each parameter goes to every principle one of whose checks reads
it, so every check reads the value it read then; a parameter no check reads (a procedure's)
goes to the charter's procedures. The comparison of versions says when the format changed.
"""

from collections.abc import Mapping
from typing import Any

CURRENT_FORMAT = 2

# The checks each principle bound in format 1, in the order the code registered them.
FORMAT_1_BINDINGS: Mapping[str, tuple[str, ...]] = {
    "P1": (
        "personal-data-declared",
        "reviewed-by-dpo",
        "category-has-purpose",
        "category-has-legal-basis",
        "retention-limited",
        "retention-within-charter",
        "special-categories-assessed",
        "third-country-safeguarded",
        "necessity-argued",
        "processing-minimised",
        "anonymized-before-publication",
        "datasets-anonymized",
    ),
    "P2": (
        "operated-under-city-control",
        "data-owned-by-city",
        "data-stays-in-eu",
        "access-listed",
        "contracts-keep-data-with-city",
        "distributions-licensed",
        "datasets-licensed",
    ),
    "P3": (
        "public-before-decision",
        "participation-before-decision",
        "redactions-justified",
        "contracts-open",
    ),
    "P4": ("free-training", "plain-language-summary"),
    "P5": ("non-digital-channels-kept",),
    "P6": ("infrastructure-in-public-hands",),
    "P7": ("open-source-licence",),
}


def document_format(content: Mapping[str, Any]) -> int:
    return int(content.get("format", 1))


def upgraded(content: Mapping[str, Any], reads: Mapping[str, set[str]]) -> dict[str, Any]:
    """Format-1 ``content`` as today's format; ``reads``: the parameter keys each check reads.
    Content in today's format comes back as it is."""
    if document_format(content) >= CURRENT_FORMAT:
        return dict(content)
    values = {item["key"]: item["value"] for item in content.get("parameters", [])}
    read_by_checks = set().union(*reads.values()) if reads else set()
    principles = []
    for item in content["principles"]:
        checks = FORMAT_1_BINDINGS.get(item["id"], ())
        keys = set().union(*(reads.get(check, set()) for check in checks))
        principles.append(
            {key: item[key] for key in ("id", "gate", "title", "description", "plain")}
            | {
                "checks": list(checks),
                "parameters": {key: value for key, value in values.items() if key in keys},
            }
        )
    return {
        "format": CURRENT_FORMAT,
        "charter": dict(content["charter"]),
        "principles": principles,
        "procedures": {k: v for k, v in values.items() if k not in read_by_checks},
    }
