"""The scale data set's records, written in bulk: offices, projects with their parts,
the software register, datasets, contracts, processing activities and participation.

Each builder returns the :class:`History` of every audited record it wrote, so the trail
can give each one its creation entry and, for the main records, a history.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from offenestadt.accounts.models import Office
from offenestadt.audit.models import AuditEvent
from offenestadt.contracts.models import Contract, ContractStatus, Vendor
from offenestadt.opendata.catalogue.models import Frequency, Licence, Theme
from offenestadt.opendata.models import Dataset, DatasetTheme, Distribution, Keyword
from offenestadt.overview.scale.trail import History
from offenestadt.participation.models import Comment, Phase, Procedure, Proposal
from offenestadt.processing.models import DataCategory, ProcessingActivity
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import (
    LIFECYCLE,
    AccessChannel,
    FundingSource,
    Project,
    ProjectStatus,
    Service,
    SoftwareComponent,
)
from offenestadt.registry.models import Phase as ChannelPhase
from offenestadt.software.models import Component

BATCH = 2000
PREFIX = "skala"
# The role the synthetic entries name as the one that wrote the city's records, as the
# demo's editors would: it is recorded, it decides nothing.
EDITING = "editor"

TOPICS = [
    "Radwege", "Schulen", "Kitas", "Bäume", "Parks", "Haushalt", "Wahlen", "Lärm",
    "Luftqualität", "Parkplätze", "Baustellen", "Bevölkerung", "Gewässer", "Spielplätze",
    "Haltestellen", "Friedhöfe", "Denkmäler", "Sportstätten", "Abfall", "Energie",
]  # fmt: skip
THINGS = [
    "Online-Antrag", "Terminbuchung", "Bürgerportal", "Sensornetz", "Fachverfahren",
    "Auskunftsdienst", "Kartendienst", "Meldeplattform", "Datenplattform", "Chatbot",
]  # fmt: skip
SERVICES = [
    "Anwohnerparkausweis", "Wohngeld", "Gewerbeanmeldung", "Meldebescheinigung",
    "Sperrmüllabholung", "Hundesteuer", "Kita-Platz", "Baugenehmigung", "Führungszeugnis",
]  # fmt: skip
DISTRICTS = ["Altstadt", "Nordstadt", "Südviertel", "Westend", "Hafen", "Oststadt"]
LICENCES = ["EUPL-1.2", "MIT", "Apache-2.0", "AGPL-3.0-or-later", "GPL-3.0-only", ""]
FORMATS = ["CSV", "JSON", "XLSX", "GEOJSON", "PDF"]


@dataclass(frozen=True)
class Sizes:
    projects: int
    contracts: int
    datasets: int
    contributions: int


def bulk[M: models.Model](model: type[M], rows: Iterable[M]) -> list[M]:
    """Write rows in batches; the primary keys come back (PostgreSQL and SQLite)."""
    written: list[M] = []
    chunk: list[M] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH:
            written += model._default_manager.bulk_create(chunk)
            chunk = []
    if chunk:
        written += model._default_manager.bulk_create(chunk)
    return written


def created(records: Sequence[models.Model], role: str = EDITING) -> list[History]:
    """Records that only need their creation entry."""
    return [History(record=record, role=role) for record in records]


def text(rng: Random, words: int) -> str:
    vocabulary = [*TOPICS, *THINGS, "Stadt", "Verwaltung", "Bürgerinnen", "Daten", "digital"]
    return " ".join(rng.choices(vocabulary, k=words)).capitalize() + "."


class Builder:
    def __init__(self, *, rng: Random, now: datetime, sizes: Sizes) -> None:
        self.rng, self.now, self.sizes = rng, now, sizes
        self.offices: list[Office] = []

    def day(self, back_from: int, back_to: int = 0) -> datetime:
        """A moment between ``back_from`` and ``back_to`` days ago."""
        seconds = self.rng.randrange(back_to * 86400, back_from * 86400 + 1)
        return (self.now - timedelta(seconds=seconds)).replace(microsecond=0)

    def office_set(self) -> None:
        count = max(3, min(40, self.sizes.projects // 250))
        names = ["Bürgeramt", "Tiefbauamt", "Umweltamt", "Schulamt", "Digitalamt", "Kämmerei"]
        self.offices = bulk(
            Office,
            (
                Office(slug=f"{PREFIX}-amt-{n}", name=f"{names[n % len(names)]} {n + 1}")
                for n in range(count)
            ),
        )

    def published(self, share: float) -> datetime | None:
        return self.day(1000, 30) if self.rng.random() < share else None

    # -- the software register and projects ----------------------------------------------

    def components(self) -> list[History]:
        rng = self.rng
        rows = bulk(
            Component,
            (
                Component(
                    slug=f"{PREFIX}-software-{n}",
                    name=f"{rng.choice(THINGS)} {n}",
                    short_description=text(rng, 8),
                    licence=rng.choice(LICENCES[:-1]),
                    repository_url=f"https://code.example.org/stadt/software-{n}",
                    development_status=rng.choice(["development", "beta", "stable"]),
                    maintenance=rng.choice(["internal", "contract", "community"]),
                    hosting=rng.choice(["city", "municipal_company", "eu_provider"]),
                )
                for n in range(max(5, self.sizes.projects // 20))
            ),
        )
        self.register = rows
        return created(rows)

    def projects(self) -> list[History]:
        rng = self.rng
        rows = bulk(
            Project,
            (
                Project(
                    slug=f"{PREFIX}-projekt-{n}",
                    title=f"{rng.choice(THINGS)} {rng.choice(TOPICS)} {n}",
                    summary=text(rng, 25),
                    plain_language_summary=text(rng, 10) if rng.random() < 0.4 else "",
                    office=rng.choice(self.offices),
                    status=rng.choice(LIFECYCLE),
                    contact_name=f"Ansprechperson {n % 97}",
                    contact_email=f"projekt-{n}@stadt.example.org",
                    budget=Decimal(rng.randrange(5_000, 5_000_000)),
                    processes_personal_data=rng.choice([True, False, None]),
                    published_at=self.published(0.85),
                )
                for n in range(self.sizes.projects)
            ),
        )
        self.project_rows = rows
        histories = []
        for project in rows:
            history = History(project, EDITING, revised="summary")
            history.initial = {"status": ProjectStatus.IDEA.value, "published_at": None}
            if project.published_at is not None:
                history.steps.append(
                    (AuditEvent.PUBLISHED, {"published_at": _iso(project.published_at)})
                )
            for status in LIFECYCLE[1 : LIFECYCLE.index(ProjectStatus(project.status)) + 1]:
                history.steps.append((AuditEvent.STATUS_CHANGED, {"status": status.value}))
            histories.append(history)
        return histories

    def project_parts(self) -> list[History]:
        rng = self.rng
        services = bulk(
            Service,
            (
                Service(
                    project=project,
                    name=f"{rng.choice(SERVICES)} ({project.pk})",
                    description=text(rng, 12),
                    changes_on=self.day(400, -200).date() if rng.random() < 0.5 else None,
                )
                for project in self.project_rows
                for _ in range(rng.randint(1, 2))
            ),
        )
        channels = bulk(
            AccessChannel,
            (
                AccessChannel(
                    service=service,
                    phase=phase,
                    kind=kind,
                    place=f"Rathausplatz {rng.randint(1, 40)}" if kind == Channel.IN_PERSON else "",
                    district=rng.choice(DISTRICTS) if kind == Channel.IN_PERSON else "",
                    step_free=rng.choice([True, False, None]),
                )
                for service in services
                for phase in ChannelPhase
                for kind in rng.sample(list(Channel), rng.randint(1, 3))
            ),
        )
        software = bulk(
            SoftwareComponent,
            (
                SoftwareComponent(
                    project=project,
                    name=f"{rng.choice(THINGS)} ({project.pk})",
                    register_entry=rng.choice(self.register) if rng.random() < 0.3 else None,
                    licence=rng.choice(LICENCES),
                    publicly_funded=rng.random() < 0.8,
                    hosting=rng.choice(["city", "municipal_company", "eu_provider", ""]),
                )
                for project in self.project_rows
                for _ in range(rng.randint(0, 2))
            ),
        )
        funding = bulk(
            FundingSource,
            (
                FundingSource(
                    project=project,
                    name=rng.choice(["Haushalt der Stadt", "Landesförderung", "EU-Fonds"]),
                    amount=Decimal(rng.randrange(1_000, 1_000_000)),
                    is_public=rng.random() < 0.9,
                )
                for project in self.project_rows
                if rng.random() < 0.6
            ),
        )
        return created([*services, *channels, *software, *funding])

    # -- open data ------------------------------------------------------------------------

    def datasets(self) -> list[History]:
        rng = self.rng
        rows = bulk(
            Dataset,
            (
                Dataset(
                    name=f"{PREFIX}-datensatz-{n}",
                    title=f"{rng.choice(TOPICS)} in der Stadt {n}",
                    description=text(rng, 30),
                    publisher=rng.choice(self.offices),
                    contact_name="Open-Data-Team",
                    contact_email="opendata@stadt.example.org",
                    licence=rng.choice(list(Licence)),
                    frequency=rng.choice(list(Frequency)),
                    published_at=self.published(0.95),
                    modified_at=self.day(30),
                )
                for n in range(self.sizes.datasets)
            ),
        )
        themes = list(Theme)
        bulk(
            DatasetTheme,
            (DatasetTheme(dataset=d, theme=t) for d in rows for t in rng.sample(themes, 2)),
        )
        bulk(Keyword, (Keyword(dataset=d, name=w) for d in rows for w in rng.sample(TOPICS, 3)))
        distributions = bulk(
            Distribution,
            (
                Distribution(
                    dataset=dataset,
                    title=f"{dataset.title} ({fmt})",
                    access_url=f"https://daten.example.org/{dataset.name}.{fmt.lower()}",
                    format=fmt,
                    byte_size=rng.randrange(1_000, 10_000_000),
                )
                for dataset in rows
                for fmt in rng.sample(FORMATS, rng.randint(1, 3))
            ),
        )
        return [*_published(rows, "description"), *created(distributions)]

    # -- contracts, processing, participation -----------------------------------------------

    def contracts(self) -> list[History]:
        rng = self.rng
        vendors = bulk(
            Vendor,
            (
                Vendor(
                    legal_name=f"{rng.choice(THINGS)} GmbH {n}",
                    country=rng.choice(["DE", "DE", "DE", "AT", "NL", "US"]),
                    website=f"https://anbieter-{n}.example.com",
                )
                for n in range(max(3, self.sizes.contracts // 10))
            ),
        )
        statuses = list(ContractStatus)
        rows = bulk(
            Contract,
            (
                Contract(
                    title=f"Vertrag {rng.choice(THINGS)} {n}",
                    purpose=text(rng, 20),
                    vendor=rng.choice(vendors),
                    value=Decimal(rng.randrange(1_000, 2_000_000)),
                    starts_on=self.day(900).date(),
                    ends_on=self.day(-100, -1500).date(),
                    procurement_procedure=rng.choice(["offenes Verfahren", "Rahmenvertrag"]),
                    status=(status := rng.choice(statuses)),
                    published_at=None if status == ContractStatus.DRAFT else self.day(900, 10),
                )
                for n in range(self.sizes.contracts)
            ),
        )
        histories = created(vendors)
        for contract in rows:
            history = History(contract, EDITING, revised="purpose")
            history.initial = {"status": ContractStatus.DRAFT.value, "published_at": None}
            position = statuses.index(ContractStatus(contract.status))
            for status in statuses[1 : position + 1]:
                after: dict[str, Any] = {"status": status.value}
                if status == ContractStatus.PUBLISHED:
                    after["published_at"] = _iso(contract.published_at)
                history.steps.append((AuditEvent.STATUS_CHANGED, after))
            histories.append(history)
        return histories

    def processing(self) -> list[History]:
        rng = self.rng
        rows = bulk(
            ProcessingActivity,
            (
                ProcessingActivity(
                    title=f"Verarbeitung {rng.choice(SERVICES)} {n}",
                    slug=f"{PREFIX}-verarbeitung-{n}",
                    office=rng.choice(self.offices),
                    controller="Stadt Musterstadt",
                    purposes=text(rng, 12),
                    data_subjects="Antragstellende",
                    review_status="approved",
                    published_at=self.day(900, 5),
                )
                for n in range(max(3, self.sizes.projects // 10))
            ),
        )
        categories = bulk(
            DataCategory,
            (
                DataCategory(activity=activity, name=name)
                for activity in rows
                for name in rng.sample(["Name", "Anschrift", "Geburtsdatum", "Bankverbindung"], 2)
            ),
        )
        return [*_published(rows, "purposes"), *created(categories)]

    def participation(self) -> list[History]:
        rng = self.rng
        rows = bulk(
            Procedure,
            (
                Procedure(
                    title=f"Beteiligung {rng.choice(TOPICS)} {n}",
                    slug=f"{PREFIX}-beteiligung-{n}",
                    office=rng.choice(self.offices),
                    summary=text(rng, 20),
                    published_at=self.day(700, 20),
                )
                for n in range(max(2, self.sizes.projects // 20))
            ),
        )
        phases = bulk(
            Phase,
            (
                Phase(
                    procedure=procedure,
                    kind="consultation",
                    starts_on=(start := self.day(700, 20).date()),
                    ends_on=start + timedelta(days=rng.randint(14, 60)),
                )
                for procedure in rows
            ),
        )
        proposals = self.sizes.contributions // 5
        contributions: list[models.Model] = bulk(
            Proposal,
            (
                Proposal(
                    procedure=rng.choice(rows),
                    pseudonym=f"Anwohnerin {n % 500}",
                    channel=rng.choice(list(Channel)),
                    title=f"Vorschlag zu {rng.choice(TOPICS)}",
                    text=text(rng, 30),
                    proposal_status=rng.choice(["submitted", "in_review", "accepted", "rejected"]),
                )
                for n in range(proposals)
            ),
        )
        contributions += bulk(
            Comment,
            (
                Comment(
                    procedure=rng.choice(rows),
                    pseudonym=f"Anwohner {n % 700}",
                    channel=rng.choice(list(Channel)),
                    text=text(rng, 20),
                    status="hidden" if rng.random() < 0.02 else "visible",
                )
                for n in range(self.sizes.contributions - proposals)
            ),
        )
        return [
            *_published(rows, "summary"),
            *created(phases),
            *created(contributions, role="public"),
        ]


def _iso(moment: datetime | date | None) -> str | None:
    """A value as an entry's JSON holds it."""
    return None if moment is None else str(DjangoJSONEncoder().default(moment))


def _published(records: Sequence[models.Model], revised: str) -> list[History]:
    """Records created as drafts, then published, then revised."""
    histories = []
    for record in records:
        history = History(record, EDITING, revised=revised)
        moment = getattr(record, "published_at", None)
        if moment is not None:
            history.initial = {"published_at": None}
            history.steps.append((AuditEvent.PUBLISHED, {"published_at": _iso(moment)}))
        histories.append(history)
    return histories
