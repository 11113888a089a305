"""Reading Django's SQL: the tables a statement names, the keys its WHERE pins, and the tags
(page-cache dependencies) they stand for. ``reads`` and ``writes`` build on it.

Tags name what a cached page depends on:

- ``r:<table>:<pk>`` one row (a record) as loaded;
- ``k:<table>:<pk>`` the rows that point to that record (its parts, links, history): a page
  that asked for "the X of record R" depends on it;
- ``t:<table>`` any write to the table (lists, searches, counts over the whole table);
- ``c:<table>`` a write to the table whose rows are not known exactly (a ``QuerySet.update``,
  a delete): every page that read the table depends on it.

Only statements as Django writes them are read closely (quoted names, ``%s`` placeholders);
anything this module cannot read is taken at its widest (the table tags), never narrower.
"""

import re
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models

_KEYWORDS = frozenset(
    [
        "where",
        "inner",
        "left",
        "right",
        "outer",
        "full",
        "cross",
        "join",
        "on",
        "order",
        "group",
        "limit",
        "offset",
        "having",
        "union",
        "as",
        "and",
        "or",
        "not",
        "using",
        "set",
        "values",
        "natural",
        "window",
        "for",
    ]
)
TABLE = re.compile(
    r'\b(?:FROM|JOIN|INTO|UPDATE)\s+("?)(\w+)\1(?!\.)(?:\s+(?:AS\s+)?("?)(\w+)\3)?', re.I
)
_ANCHOR = re.compile(r'("?)(\w+)\1\."(\w+)"\s*(?:=\s*%s|IN\s*\(((?:\s*%s\s*,?)+)\))', re.I)
QUALIFIED = re.compile(r'("?)(\w+)\1\."\w+"')
PLACEHOLDER = re.compile(r"(?<!%)%s")
UNSURE = re.compile(r"\bOR\b|\bNOT\s*\(|\bUNION\b|\bINTERSECT\b|\bEXCEPT\b", re.I)
TAIL = re.compile(r"\b(?:ORDER\s+BY|GROUP\s+BY|LIMIT|OFFSET|HAVING)\b", re.I)


@dataclass(frozen=True)
class Columns:
    """The columns of one table that pin its rows."""

    pk: str | None = None
    unique: frozenset[str] = frozenset()
    # column -> table it points to
    foreign: dict[str, str] = field(default_factory=dict)


@cache
def columns_of() -> dict[str, Columns]:
    """Every model table's primary key, unique and foreign-key columns."""
    tables: dict[str, Columns] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        foreign = {
            f.column: f.related_model._meta.db_table
            for f in meta.concrete_fields
            if isinstance(f, models.ForeignKey) and not isinstance(f.related_model, str)
        }
        unique = frozenset(
            str(f.column) for f in meta.concrete_fields if f.unique and not f.primary_key
        )
        tables[meta.db_table] = Columns(meta.pk.column if meta.pk else None, unique, foreign)
    return tables


def tables_of(sql: str) -> dict[str, str]:
    """alias (or table name) -> table name, for every table the statement names."""
    aliases: dict[str, str] = {}
    for match in TABLE.finditer(sql):
        table, alias = match.group(2), match.group(4)
        aliases[table] = table
        if alias and alias.lower() not in _KEYWORDS:
            aliases[alias] = table
    return aliases


def where_of(sql: str) -> re.Match[str] | None:
    """The statement's own WHERE (not one inside parentheses, such as an aggregate's FILTER)."""
    for match in re.finditer(r"\bWHERE\b", sql, re.I):
        head = sql[: match.start()]
        if head.count("(") == head.count(")"):
            return match
    return None


def param_index(sql: str, position: int) -> int:
    return len(PLACEHOLDER.findall(sql, 0, position))


def anchors(
    sql: str, params: list[object], aliases: dict[str, str]
) -> list[tuple[str, str, list[object]]]:
    """(table, column, values) for each ``column = %s`` / ``column IN (%s, …)`` of the WHERE."""
    where_at = where_of(sql)
    if where_at is None:
        return []
    found = []
    for match in _ANCHOR.finditer(sql, where_at.end()):
        table = aliases.get(match.group(2))
        if table is None:
            continue
        first = param_index(sql, match.start())
        count = len(PLACEHOLDER.findall(match.group(4))) if match.group(4) else 1
        found.append((table, match.group(3), list(params[first : first + count])))
    return found


# table -> (type column, id column) of rows that name a record by its model label and key
# (the audit trail's entries): registered by the app that owns the table.
GENERIC: dict[str, tuple[str, str]] = {}


def reference(table: str, *, type_column: str, id_column: str) -> None:
    """Rows of ``table`` name a record by model label (``app.model``) and primary key: a
    page that reads them for one record depends on that record, and writing them bumps it."""
    GENERIC[table] = (type_column, id_column)


def generic_reference(table: str) -> tuple[str, str] | None:
    return GENERIC.get(table)


def record_tag(label: object, pk: object) -> str | None:
    """``k:<table>:<pk>`` of the record a model label and key name (None: no such model)."""
    try:
        model = apps.get_model(str(label))
    except (LookupError, ValueError):
        return None
    return f"k:{model._meta.db_table}:{pk}"


def generic_anchors(
    sql: str, values: list[object], aliases: dict[str, str]
) -> list[tuple[str, str]]:
    """(table, record tag) for each generic reference the WHERE pins to one record."""
    pinned: dict[tuple[str, str], list[object]] = {
        (table, column): found for table, column, found in anchors(sql, values, aliases)
    }
    found = []
    for table, (type_column, id_column) in GENERIC.items():
        kind, key = pinned.get((table, type_column)), pinned.get((table, id_column))
        if kind and key and len(kind) == 1 and len(key) == 1:
            tag = record_tag(kind[0], key[0])
            if tag is not None:
                found.append((table, tag))
    return found


def parameters(params: object) -> list[object]:
    return list(params) if isinstance(params, list | tuple) else []
