"""What an INSERT, UPDATE or DELETE changed, as the tags of the pages to render again.

An INSERT names its rows' foreign keys in its values. An UPDATE or DELETE run by a model save
is described by the save signal (``tracking``); any other (``QuerySet.update``, deletes,
link-table changes) is preceded by a SELECT of the keys of the rows it is about to change and,
when it sets foreign keys, followed by one of their new values: the tags are exact, and a
bulk write of more than MOST_ROWS rows bumps the table's coarse tag instead.
"""

import re
from dataclasses import dataclass

from offenestadt.core.pagecache import sql as parse
from offenestadt.core.pagecache.sql import Columns

MOST_ROWS = 1000
_INSERT = re.compile(r'\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+"?\w+"?\s*\(([^)]*)\)\s*VALUES', re.I)
_UNNEST = re.compile(
    r'\s*INSERT\s+INTO\s+"?\w+"?\s*\(([^)]*)\)\s*SELECT\s+\*\s+FROM\s+UNNEST', re.I
)


def kind(sql: str) -> str:
    """INSERT, UPDATE, DELETE, or "" for anything else."""
    head = sql.lstrip()[:6].upper()
    return head if head in {"INSERT", "UPDATE", "DELETE"} else ""


def _table(sql: str) -> str | None:
    match = parse.TABLE.search(sql)
    return match.group(2) if match else None


def _row_tags(table: str, columns: Columns, row: dict[str, object]) -> set[str]:
    tags = {
        f"k:{target}:{row[column]}"
        for column, target in columns.foreign.items()
        if row.get(column) is not None
    }
    if generic := parse.GENERIC.get(table):
        tag = parse.record_tag(row.get(generic[0]), row.get(generic[1]))
        tags.add(tag if tag is not None else f"c:{table}")
    return tags


def inserted(sql: str, params: object) -> set[str]:
    """The tags of an INSERT: the table's, and the records its rows point to."""
    table = _table(sql) or ""
    values = parse.parameters(params)
    columns = parse.columns_of().get(table, Columns())
    tags = {f"t:{table}"}
    if listed := _INSERT.match(sql):
        names = re.findall(r'"(\w+)"', listed.group(1))
        placeholders = len(parse.PLACEHOLDER.findall(sql))
        if names and not len(values) % len(names) and placeholders == len(values):
            for offset in range(0, len(values), len(names)):
                row = dict(zip(names, values[offset : offset + len(names)], strict=True))
                tags |= _row_tags(table, columns, row)
            return tags
    elif listed := _UNNEST.match(sql):
        # PostgreSQL's bulk insert: one array of values per column.
        names = re.findall(r'"(\w+)"', listed.group(1))
        if len(names) == len(values) and all(isinstance(value, list) for value in values):
            for row_values in zip(*values, strict=True):
                tags |= _row_tags(table, columns, dict(zip(names, row_values, strict=True)))
            return tags
    return tags | {f"c:{table}"}


def saved_row(sql: str, params: object, saving: set[tuple[str, str]]) -> set[str] | None:
    """A model save's own UPDATE (``UPDATE t SET … WHERE t.id = %s`` for a row being saved):
    the save signal names what it changed. None: not one."""
    table = _table(sql)
    columns = parse.columns_of().get(table or "")
    if table is None or columns is None or kind(sql) != "UPDATE":
        return None
    keys = [
        pinned
        for found, column, pinned in parse.anchors(sql, parse.parameters(params), {table: table})
        if found == table and column == columns.pk
    ]
    if len(keys) == 1 and len(keys[0]) == 1 and (table, str(keys[0][0])) in saving:
        return {f"t:{table}", f"r:{table}:{keys[0][0]}"}
    return None


@dataclass(frozen=True)
class RowQuery:
    """A SELECT of the keys of the rows an UPDATE or DELETE changes."""

    table: str
    sql: str
    params: list[object]
    columns: list[str]
    sets_foreign: bool


def rows_query(sql: str, params: object) -> RowQuery | None:
    """The SELECT that names the rows an UPDATE/DELETE is about to change (None: it has no
    WHERE or names no model table: then the coarse tag)."""
    match, where = parse.TABLE.search(sql), parse.where_of(sql)
    if kind(sql) not in {"UPDATE", "DELETE"} or match is None or where is None:
        return None
    if ";" in sql.rstrip().rstrip(";"):  # several statements in one: the coarse tag
        return None
    table = match.group(2)
    columns = parse.columns_of().get(table)
    if columns is None or columns.pk is None:
        return None
    wanted = [columns.pk, *columns.foreign, *parse.GENERIC.get(table, ())]
    listed = ", ".join(f'"{table}"."{name}"' for name in wanted)
    set_part = sql[match.end() : where.start()]
    return RowQuery(
        table=table,
        # Names from the model registry and the statement itself; values stay parameters.
        sql=f'SELECT {listed} FROM "{table}" WHERE {sql[where.end() :]} LIMIT {MOST_ROWS + 1}',  # noqa: S608
        params=parse.parameters(params)[parse.param_index(sql, where.start()) :],
        columns=wanted,
        sets_foreign=kind(sql) == "UPDATE"
        and any(f'"{name}"' in set_part for name in columns.foreign),
    )


def rows_by_key(query: RowQuery, keys: list[object]) -> RowQuery:
    """The same rows read again by their keys (after an UPDATE that set foreign keys)."""
    listed = ", ".join(f'"{query.table}"."{name}"' for name in query.columns)
    placeholders = ", ".join(["%s"] * len(keys))
    return RowQuery(
        table=query.table,
        sql=f'SELECT {listed} FROM "{query.table}" WHERE "{query.table}"."{query.columns[0]}" IN ({placeholders})',  # noqa: S608, E501  (names from the model registry)
        params=keys,
        columns=query.columns,
        sets_foreign=False,
    )


def row_tags(query: RowQuery, rows: list[tuple[object, ...]]) -> set[str]:
    """The tags of the rows found: their records, and the records they point to."""
    if len(rows) > MOST_ROWS:
        return {f"t:{query.table}", f"c:{query.table}"}
    columns = parse.columns_of()[query.table]
    tags = {f"t:{query.table}"}
    for row in rows:
        tags.add(f"r:{query.table}:{row[0]}")
        tags |= _row_tags(query.table, columns, dict(zip(query.columns, row, strict=True)))
    return tags
