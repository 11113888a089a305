"""The OParl import as a task for the worker (`offenestadt worker`), e.g. scheduled nightly."""

from django.tasks import task

from offenestadt.council.oparl.importer import run_import


@task()
def import_oparl(url: str, body: str | None = None) -> dict[str, int]:
    """Import what changed since the last complete run; the counts by outcome."""
    summary = run_import(url, body=body)
    counts = {outcome: summary.total(outcome) for outcome in summary.counts}
    return {**counts, "errors": sum(summary.errors.values())}
