"""A city-sized data set for the benchmarks: ``offenestadt manage seed_scale``.

Records are written in bulk (not through the services, which would take hours), shaped as
a city's are: offices; published projects in every status with services, access channels,
software and funding; a software register; datasets with distributions, themes, keywords
and licences spread for the catalogue's facets; contracts with vendors; processing
activities; participation procedures with proposals and comments. Every audited record has
its creation entry in the audit chain and the main records a history (publication, status
changes, revised texts) up to the requested number of entries, so `offenestadt audit verify`
passes. Projects get their stored charter evaluation from the real engine.

It writes only into a database without projects, datasets, contracts and procedures (a fresh
one, where only the platform's own entries are), unless forced; either way it appends to the
chain from its head. The records are written in one transaction, the audit entries after
them in batches (see :class:`trail.Trail`): a run that fails while writing entries leaves
records without them, which `audit verify` names; start again on a fresh database.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from random import Random
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from offenestadt.charter.demo import DEFAULT_CHARTER
from offenestadt.charter.engine import Finding, principle_statuses
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_load
from offenestadt.contracts.models import Contract
from offenestadt.opendata.models import Dataset
from offenestadt.overview.scale import trail
from offenestadt.overview.scale.records import Builder, Sizes
from offenestadt.participation.models import Procedure
from offenestadt.registry.channels import NON_DIGITAL_CHANNELS
from offenestadt.registry.models import EvaluatedPrinciple, Project, ProjectEvaluation
from offenestadt.registry.models import Phase as ChannelPhase
from offenestadt.registry.services import project_findings

__all__ = ["NotEmptyError", "Sizes", "Summary", "seed_scale"]


class NotEmptyError(Exception):
    """The database holds projects, datasets, contracts or procedures already."""


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    seconds: float


def seed_scale(
    *,
    sizes: Sizes,
    audit_entries: int,
    seed: int,
    force: bool,
    evaluate: int | None,
    say: Callable[[str], None],
) -> Summary:
    """Write the data set and return what it wrote; ``evaluate``: see :func:`_evaluate`."""
    started = time.perf_counter()
    if not force and any(
        model.objects.exists() for model in (Project, Dataset, Contract, Procedure)
    ):
        raise NotEmptyError
    rng = Random(seed)  # noqa: S311 - test data, reproducible by design
    now = timezone.now().replace(microsecond=0)

    def step(name: str) -> None:
        say(f"{name} … {time.perf_counter() - started:.1f} s")

    with transaction.atomic():
        if CharterVersion.objects.in_force() is None:
            charter_load(text=DEFAULT_CHARTER.read_text(encoding="utf-8"), actor=None)
        builder = Builder(rng=rng, now=now, sizes=sizes)
        builder.office_set()
        histories = builder.components()
        step("Projekte")
        histories += builder.projects()
        histories += builder.project_parts()
        step("Datensätze")
        histories += builder.datasets()
        step("Verträge, Verarbeitungen, Beteiligung")
        histories += builder.contracts()
        histories += builder.processing()
        histories += builder.participation()
        step("Befunde der Charta")
        evaluated = _evaluate(builder.project_rows, evaluate)
    required = trail.required_entries(histories)
    total = max(audit_entries, required)
    if total > audit_entries:
        say(f"Die Datensätze brauchen {required} Protokolleinträge, mehr als verlangt.")
    trail.spread(histories, total - required, rng)
    step(f"Protokoll ({total} Einträge)")
    chain = trail.Trail(start=now - timedelta(days=1100), end=now, total=total)
    trail.write(chain, histories, rng, lambda n: say(f"  {n} Einträge"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if not connection.in_atomic_block:
                # Each dataset row was written again for its themes, keywords and files (their
                # triggers store its facet values, opendata migration 0006): rewritten without
                # the dead copies, which every search would read (4.6 times the table).
                # unaudited: maintenance of the table's storage, no record changes
                cursor.execute(f"VACUUM FULL {Dataset._meta.db_table}")
            cursor.execute("ANALYZE")
    counts = {
        "projects": len(builder.project_rows),
        "evaluated_projects": evaluated,
        "records_with_history": len(histories),
        "audit_entries": chain.written,
    }
    return Summary(counts, time.perf_counter() - started)


def _evaluate(projects: list[Project], limit: int | None) -> int:
    """Stored evaluations for every project: the engine's findings for the first ``limit``
    projects (None: all), for the others a copy of the findings of an evaluated project of
    the same shape (else of the same status and publication), its fix addresses turned to
    the project's own. Returns how many the engine evaluated."""
    charter = CharterVersion.objects.in_force()
    if charter is None:
        return 0
    samples: dict[tuple[object, ...], tuple[str, list[dict[str, Any]]]] = {}
    engine = 0
    rows = Project.objects.filter(pk__in=[p.pk for p in projects]).prefetch_related(
        "software_components", "services__channels", "funding_sources"
    )
    evaluations: list[ProjectEvaluation] = []
    for project in rows.iterator(chunk_size=500):
        shape = _shape(project)
        sample = None
        if limit is not None and engine >= limit:
            # A shape not seen yet borrows from a project of the same status and publication.
            sample = samples.get(shape) or samples.get(shape[:2])
        if sample is None:
            _, found = project_findings(project)
            findings = [finding.as_dict() for finding in found]
            samples.setdefault(shape[:2], (project.slug, findings))
            samples[shape] = (project.slug, findings)
            engine += 1
        else:
            findings = [_moved(finding, sample[0], project.slug) for finding in sample[1]]
        evaluations.append(
            ProjectEvaluation(project=project, charter_version=charter, findings=findings)
        )
    ProjectEvaluation.objects.bulk_create(evaluations, batch_size=2000)
    EvaluatedPrinciple.objects.bulk_create(
        (
            EvaluatedPrinciple(evaluation=evaluation, principle=principle, status=status)
            for evaluation in evaluations
            for principle, status in principle_statuses(
                [Finding.from_dict(data) for data in evaluation.findings]
            ).items()
        ),
        batch_size=5000,
    )
    return engine


def _shape(project: Project) -> tuple[object, ...]:
    """What the charter's rules mostly read: status, publication, personal data, whether a
    way without internet goes away, and the software parts' gaps."""
    lost = False
    for service in project.services.all():
        kinds: dict[ChannelPhase, set[str]] = {phase: set() for phase in ChannelPhase}
        for channel in service.channels.all():
            kinds[ChannelPhase(channel.phase)].add(channel.kind)
        before, after = kinds[ChannelPhase.BEFORE], kinds[ChannelPhase.AFTER]
        lost = lost or bool((before - after) & NON_DIGITAL_CHANNELS)
    software = project.software_components.all()
    return (
        project.status,
        project.published_at is None,
        project.processes_personal_data,
        lost,
        any(not part.licence for part in software),
        any(not part.hosting for part in software),
        any(part.register_entry_id for part in software),
        bool(software),
    )


def _moved(finding: dict[str, Any], slug: str, to: str) -> dict[str, Any]:
    fix = finding.get("fix_url") or ""
    return finding | {"fix_url": fix.replace(f"/{slug}/", f"/{to}/").replace(f"={slug}", f"={to}")}
