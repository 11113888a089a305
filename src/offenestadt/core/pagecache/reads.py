"""What a page depends on, from the SELECT statements it ran.

A read is *anchored* on a table when its WHERE clause (plain ANDs, no OR or NOT around it)
pins the table's rows by primary key, by a unique column or by a foreign key. Every row such a
query can return carries that key, and every write of such a row bumps the tag of the record
it points to (``writes``), so the page depends on that record's tags only, and a change to
another record of the same kind leaves it alone. Tables joined to anchored rows are covered
by the rows the statement loaded; anything else (lists, filters over a whole table, joins
through rows that were not loaded, subqueries) depends on the table tag.
"""

import re
from dataclasses import dataclass, field

from offenestadt.core.pagecache import sql as parse
from offenestadt.core.pagecache.sql import Columns

_JOIN_ON = re.compile(r'("?)(\w+)\1\."(\w+)"\s*=\s*("?)(\w+)\4\."(\w+)"')
_LIMIT = re.compile(r"\bLIMIT\b|\bOFFSET\b", re.I)


@dataclass
class Read:
    """What a SELECT depends on: ``tags``, and the tables it needs the tag of unless this
    statement loaded rows of one of the tables named beside them (``if_not_loaded``)."""

    tags: set[str] = field(default_factory=set)
    if_not_loaded: dict[str, set[str]] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)


@dataclass
class _Anchoring:
    tables: set[str] = field(default_factory=set)
    # (table, foreign-key column) -> the values the WHERE pins it to
    keys: dict[tuple[str, str], list[object]] = field(default_factory=dict)
    single_row: bool = False


def _join_sides(sql: str, aliases: dict[str, str]) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    sides = []
    for match in _JOIN_ON.finditer(sql):
        left, right = aliases.get(match.group(2)), aliases.get(match.group(5))
        if left and right:
            sides.append(((left, match.group(3)), (right, match.group(6))))
    return sides


def _pointing(sql: str, aliases: dict[str, str], known: dict[str, Columns]) -> dict[str, set[str]]:
    """joined table -> tables its rows point to by the join's foreign key: a write to such a
    row bumps the record it points to."""
    pointing: dict[str, set[str]] = {}
    for one, other in _join_sides(sql, aliases):
        for (table, column), (target, _) in ((one, other), (other, one)):
            if known.get(table, Columns()).foreign.get(column) == target:
                pointing.setdefault(table, set()).add(target)
    return pointing


def _without_subqueries(sql: str, values: list[object]) -> tuple[str, list[object], set[str]]:
    """The statement with each ``(SELECT …)`` cut out (with its parameters), and the tables
    the cut-out parts read: those are depended on as a whole."""
    inner: set[str] = set()
    while (start := sql.upper().find("(SELECT", 1)) != -1:
        depth, end = 0, start
        for end in range(start, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        part = sql[start : end + 1]
        inner |= set(parse.tables_of(part).values())
        first, count = parse.param_index(sql, start), len(parse.PLACEHOLDER.findall(part))
        values = values[:first] + values[first + count :]
        sql = sql[:start] + "(0)" + sql[end + 1 :]
    return sql, values, inner


def _generic_alternatives(
    sql: str, values: list[object], aliases: dict[str, str]
) -> set[str] | None:
    """A record's history with its parts': ``(id = %s AND type = %s) OR (id IN (…) AND
    type = %s)`` on a generic reference table alone. The records' tags, or None."""
    tables = set(aliases.values())
    if len(tables) != 1 or (table := next(iter(tables))) not in parse.GENERIC:
        return None
    type_column, id_column = parse.GENERIC[table]
    found = [
        anchor
        for anchor in parse.anchors(sql, values, aliases)
        if anchor[1] in {type_column, id_column}
    ]
    pairs = [
        (found[i][2], found[i + 1][2])
        for i in range(0, len(found) - 1, 2)
        if found[i][1] == id_column and found[i + 1][1] == type_column and len(found[i + 1][2]) == 1
    ]
    ors = len(re.findall(r"\bOR\b", sql, re.I))
    if not pairs or len(pairs) * 2 != len(found) or ors != len(pairs) - 1:
        return None
    if re.search(r"\bNOT\s*\(", sql, re.I):
        return None
    tags = {parse.record_tag(kind[0], key) for keys, kind in pairs for key in keys}
    return {tag for tag in tags if tag} if None not in tags else None


def _anchor(
    sql: str, values: list[object], aliases: dict[str, str], known: dict[str, Columns], result: Read
) -> _Anchoring:
    anchoring = _Anchoring()
    for table, column, pinned in parse.anchors(sql, values, aliases):
        columns = known.get(table)
        if columns is None:
            continue
        if column == columns.pk:
            result.tags.update(f"r:{table}:{value}" for value in pinned)
            anchoring.single_row = anchoring.single_row or len(pinned) == 1
        elif column in columns.foreign:
            result.tags.update(f"k:{columns.foreign[column]}:{value}" for value in pinned)
            anchoring.keys[(table, column)] = pinned
        elif column in columns.unique:
            result.if_not_loaded[table] = {table}
            anchoring.single_row = True
        else:
            continue
        anchoring.tables.add(table)
    # A table joined by a key the WHERE pins (vote.procedure_id = %s, joined to the
    # procedure): its rows are the records named.
    sides = _join_sides(sql, aliases)
    for (table, column), pinned in anchoring.keys.items():
        target = known[table].foreign[column]
        joined = any(
            (table, column) in pair and any(t == target for t, _ in pair) for pair in sides
        )
        if joined and target not in anchoring.tables:
            result.tags.update(f"r:{target}:{value}" for value in pinned)
            anchoring.tables.add(target)
    return anchoring


def _filtered(sql: str, aliases: dict[str, str]) -> set[str]:
    """The tables the WHERE clause names a column of."""
    where = parse.where_of(sql)
    if where is None:
        return set()
    tail = parse.TAIL.search(sql, where.end())
    clause = sql[where.end() : tail.start() if tail else len(sql)]
    return {aliases.get(match.group(2), "") for match in parse.QUALIFIED.finditer(clause)}


def read(sql: str, params: object) -> Read:
    """The tags one SELECT depends on (see the module)."""
    result = Read(tables=set(parse.tables_of(sql).values()))
    sql, values, inner = _without_subqueries(sql, parse.parameters(params))
    aliases = parse.tables_of(sql)
    tables = set(aliases.values())
    result.tags = {f"t:{table}" for table in inner}
    if (alternatives := _generic_alternatives(sql, values, aliases)) is not None:
        result.tags |= alternatives
        return result
    if sql.upper().count("SELECT") != 1 or parse.UNSURE.search(sql):
        result.tags |= {f"t:{table}" for table in tables}
        return result
    known = parse.columns_of()
    anchoring = _anchor(sql, values, aliases, known, result)
    filtered = _filtered(sql, aliases)
    # A limit cuts the joined rows short, unless one row of the anchored table is asked for.
    limited = not anchoring.single_row and _LIMIT.search(sql) is not None
    pointing = _pointing(sql, aliases, known)
    for table in tables - anchoring.tables:
        if anchoring.tables and table not in filtered and not limited:
            # Joined to anchored rows: covered by the rows it gave (their record tags), and
            # rows of it that point to loaded rows bump those when written.
            result.if_not_loaded[table] = {table} | pointing.get(table, set())
        elif anchoring.single_row and table in filtered and not pointing.get(table):
            # One row asked for, joined forward (its office, its procedure): the joined
            # row's record tags cover it, if the statement loaded it.
            result.if_not_loaded[table] = {table}
        else:
            result.tags.add(f"t:{table}")
    for table, tag in parse.generic_anchors(sql, values, aliases):
        result.tags.add(tag)
        result.tags.discard(f"t:{table}")
    return result
