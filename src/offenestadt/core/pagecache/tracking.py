"""Which records and tables a page read while it rendered, and which ones each write changed.

Reads: a request-scoped collector hears every model instance loaded (``post_init``) and every
SQL statement run (a connection ``execute_wrapper``); ``reads.read`` turns each statement into
the tags the page depends on. Writes: every INSERT, UPDATE or DELETE on any connection is seen
by the same wrapper (so ``QuerySet.update``, ``bulk_create`` and fast deletes, which send no
signals, are caught); a model save also tells which records its old and new foreign keys name
(``pre_save``/``post_save``). The tags are bumped once the transaction commits.
"""

import contextvars
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import ForeignKey, Model
from django.db.models.signals import post_init, post_migrate, post_save, pre_migrate, pre_save

from offenestadt.core.pagecache import reads, sql, store, writes


@dataclass
class Collector:
    """What one page render read."""

    tags: set[str] = field(default_factory=set)
    # per statement: ({table: tables whose loaded rows cover it}, {table: keys of rows it loaded})
    pending: list[tuple[dict[str, set[str]], dict[str, set[str]]]] = field(default_factory=list)
    # every table a statement read
    tables: set[str] = field(default_factory=set)
    wrote: bool = False
    valid_until: Any = None
    excluded: bool = False

    def dependencies(self) -> list[str]:
        tags = set(self.tags)
        for needed, loaded in self.pending:
            for table, coverers in needed.items():
                pointed_to = [other for other in coverers - {table} if other in loaded]
                if coverers - {table}:
                    # Its rows point to rows this statement loaded: a write of one bumps those.
                    if pointed_to:
                        tags.update(
                            f"k:{other}:{pk}" for other in pointed_to for pk in loaded[other]
                        )
                    else:
                        tags.add(f"t:{table}")
                elif table not in loaded:
                    tags.add(f"t:{table}")
        covered = {tag[2:] for tag in tags if tag.startswith("t:")}
        # A table's tag covers its rows; every table read depends on its coarse tag.
        tags = {tag for tag in tags if not (tag.startswith("r:") and tag.split(":")[1] in covered)}
        tags.update(f"c:{table}" for needed, _ in self.pending for table in needed)
        return sorted(tags)


_collector: contextvars.ContextVar[Collector | None] = contextvars.ContextVar(
    "pagecache_collector", default=None
)
# Tables no public page shows (sessions, rate-limit counters, the task queue, sign-in
# devices, the worker's heartbeat): writing them bumps nothing, and costs no extra query.
UNTRACKED = (
    "django_session",
    "core_throttlecounter",
    "core_workerheartbeat",
    "django_tasks_db_",
    "otp_",
    "django_admin_log",
)
# (table, pk) of the model saves in progress in this thread
_saving = threading.local()


def collecting() -> Collector | None:
    return _collector.get()


def start() -> contextvars.Token[Collector | None]:
    return _collector.set(Collector())


def stop(token: contextvars.Token[Collector | None]) -> None:
    _collector.reset(token)


def _saves() -> set[tuple[str, str]]:
    saves: set[tuple[str, str]] | None = getattr(_saving, "rows", None)
    if saves is None:
        saves = _saving.rows = set()
    return saves


def _instance_loaded(sender: type[Model], instance: Model, **kwargs: object) -> None:
    collector = _collector.get()
    if collector is None or instance.pk is None:
        return
    table = instance._meta.db_table
    collector.tags.add(f"r:{table}:{instance.pk}")
    if collector.pending:
        collector.pending[-1][1].setdefault(table, set()).add(str(instance.pk))
    for parent in instance._meta.all_parents:
        collector.tags.add(f"r:{parent._meta.db_table}:{instance.pk}")


def _foreign_keys(model: type[Model]) -> list[ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, ForeignKey)]


def _before_save(
    sender: type[Model], instance: Model, raw: bool, update_fields: Any, **kwargs: Any
) -> None:
    if not settings.PAGE_CACHE or sender._meta.db_table.startswith(UNTRACKED):
        return
    tables = [instance._meta.db_table, *(p._meta.db_table for p in instance._meta.all_parents)]
    instance._pagecache_rows = [(table, str(instance.pk)) for table in tables]  # type: ignore[attr-defined]
    _saves().update(instance._pagecache_rows)  # type: ignore[attr-defined]
    old: list[str] = []
    keys = _foreign_keys(sender)
    if update_fields is not None:
        keys = [f for f in keys if f.name in update_fields or f.attname in update_fields]
    if keys and instance.pk is not None and not instance._state.adding:
        row = (
            sender._base_manager.using(kwargs.get("using"))
            .filter(pk=instance.pk)
            .values_list(*(f.attname for f in keys))
            .first()
        )
        if row is not None:
            old = [
                f"k:{f.related_model._meta.db_table}:{value}"
                for f, value in zip(keys, row, strict=True)
                if value is not None
            ]
    instance._pagecache_old = old  # type: ignore[attr-defined]


def _after_save(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if not settings.PAGE_CACHE or sender._meta.db_table.startswith(UNTRACKED):
        return
    rows = getattr(instance, "_pagecache_rows", [])
    _saves().difference_update(rows)
    tags = {f"r:{table}:{pk}" for table, pk in rows}
    tags.update(getattr(instance, "_pagecache_old", []))
    for key in _foreign_keys(sender):
        value = getattr(instance, key.attname)
        if value is not None:
            tags.add(f"k:{key.related_model._meta.db_table}:{value}")
    if generic := sql.generic_reference(sender._meta.db_table):
        tag = sql.record_tag(*(getattr(instance, column) for column in generic))
        tags.add(tag if tag is not None else f"c:{sender._meta.db_table}")
    _changed(kwargs.get("using") or "default", tags)


# table -> tables the database itself rewrites (a trigger) when a row of it is written
REWRITES: dict[str, set[str]] = {}


def _changed(alias: str, tags: set[str]) -> None:
    """Bump the tags once the transaction in progress commits (at once without one)."""
    written = {tag.split(":")[1] for tag in tags}
    tags = tags | {f"t:{other}" for table in written for other in REWRITES.get(table, ())}
    connection = connections[alias]
    if not connection.in_atomic_block:
        store.bump(tags)
        return
    pending: set[str] | None = getattr(connection, "_pagecache_pending", None)
    flush = getattr(connection, "_pagecache_flush", None)
    # The callback goes when the savepoint it was registered in rolls back: start again.
    if pending is None or not any(entry[1] is flush for entry in connection.run_on_commit):
        pending = set()

        def flush() -> None:
            store.bump(pending)
            if getattr(connection, "_pagecache_pending", None) is pending:
                connection._pagecache_pending = None  # type: ignore[attr-defined]

        connection._pagecache_pending = pending  # type: ignore[attr-defined]
        connection._pagecache_flush = flush  # type: ignore[attr-defined]
        transaction.on_commit(flush, using=alias)
    pending.update(tags)


def _select(connection: BaseDatabaseWrapper, query: writes.RowQuery) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)  # type: ignore[arg-type]
        return list(cursor.fetchall())


def _write(
    execute: Callable[..., Any], statement: str, params: Any, context: dict[str, Any]
) -> tuple[Any, set[str]]:
    """Run a write statement; with the tags of what it changed (see ``writes``)."""
    connection: BaseDatabaseWrapper = context["connection"]
    if writes.kind(statement) == "INSERT":
        return execute(statement, params, False, context), writes.inserted(statement, params)
    if (own := writes.saved_row(statement, params, _saves())) is not None:
        return execute(statement, params, False, context), own
    query = writes.rows_query(statement, params)
    if query is None:
        table = sql.TABLE.search(statement)
        name = table.group(2) if table else ""
        return execute(statement, params, False, context), {f"t:{name}", f"c:{name}"}
    before = _select(connection, query)
    result = execute(statement, params, False, context)
    tags = writes.row_tags(query, before)
    if query.sets_foreign and 0 < len(before) <= writes.MOST_ROWS:
        again = writes.rows_by_key(query, [row[0] for row in before])
        tags |= writes.row_tags(again, _select(connection, again))
    return result, tags


# While `migrate` runs, the tables need not match today's models that the write tracking
# reads; no write is tracked, and afterwards every stored page is dropped (the new release's
# templates and data render them anew).
_migrating = threading.Event()


def _migration_starts(**kwargs: object) -> None:
    _migrating.set()


def _migration_ends(**kwargs: object) -> None:
    if _migrating.is_set():
        _migrating.clear()
        store.backend().clear()


def _execute(
    execute: Callable[..., Any], statement: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    if not settings.PAGE_CACHE or _migrating.is_set():
        return execute(statement, params, many, context)
    collector = _collector.get()
    if not writes.kind(statement):
        result = execute(statement, params, many, context)
        if collector is not None and statement.lstrip()[:6].upper() in {"SELECT", "WITH"}:
            read = reads.read(statement, None if many else params)
            collector.tags |= read.tags | {f"c:{table}" for table in read.tables}
            collector.tables |= read.tables
            collector.pending.append((read.if_not_loaded, {}))
        return result
    if collector is not None:
        collector.wrote = True
    table = sql.TABLE.search(statement)
    if table is not None and table.group(2).startswith(UNTRACKED):
        return execute(statement, params, many, context)
    if many:
        # One statement, many rows of parameters (rare in Django): the table as a whole.
        table = sql.TABLE.search(statement)
        result = execute(statement, params, many, context)
        tags = {f"t:{table.group(2)}", f"c:{table.group(2)}"} if table else set()
    else:
        result, tags = _write(execute, statement, params, context)
    _changed(context["connection"].alias, tags)
    return result


def _install(connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    if _execute not in connection.execute_wrappers:
        connection.execute_wrappers.append(_execute)


def connect() -> None:
    post_init.connect(_instance_loaded, dispatch_uid="pagecache_loaded")
    pre_save.connect(_before_save, dispatch_uid="pagecache_before_save")
    post_save.connect(_after_save, dispatch_uid="pagecache_after_save")
    connection_created.connect(_install, dispatch_uid="pagecache_install")
    pre_migrate.connect(_migration_starts, dispatch_uid="pagecache_migration_starts")
    post_migrate.connect(_migration_ends, dispatch_uid="pagecache_migration_ends")
    for connection in connections.all(initialized_only=True):
        _install(connection)
