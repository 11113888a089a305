"""The register of processing activities (GDPR Art. 30(1)) as JSON and CSV (the PDF is in
``export_pdf``, read from the same rows and fields).

One builder, ``register_rows``, turns each activity into a dict whose keys name the letter
of Art. 30(1) they answer; ``FIELDS`` lists every value in it once, and the CSV and the PDF
are read from those two, so no format can leave out a field the others have. The processor
side (vendor, sub-processors, who has access, where the data goes) is not entered on the
activity: it comes from the data clauses of the linked contracts.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    DataAccess,
    DataLocation,
    SubProcessor,
)
from offenestadt.core.countries import in_eu_eea
from offenestadt.core.display import display_value
from offenestadt.core.spreadsheets import csv_table
from offenestadt.processing.models import DataCategory, ProcessingActivity, Transfer
from offenestadt.registry.models import Project

# One activity, or one item in it, as it appears in the JSON export.
Entry = dict[str, Any]


@dataclass(frozen=True)
class Letter:
    """A letter of Art. 30(1) GDPR: its heading in the register and the law's wording."""

    letter: str
    heading: Promise
    text: Promise


# The key each letter answers in the export, in the order of the law.
ART30_LETTERS: dict[str, Letter] = {
    "art30_1_a_controller": Letter(
        "a",
        gettext_lazy("a) Verantwortlicher und Datenschutzbeauftragter"),
        gettext_lazy(
            "den Namen und die Kontaktdaten des Verantwortlichen und gegebenenfalls des gemeinsam "
            "mit ihm Verantwortlichen, des Vertreters des Verantwortlichen sowie eines etwaigen "
            "Datenschutzbeauftragten"
        ),
    ),
    "art30_1_b_purposes": Letter(
        "b",
        gettext_lazy("b) Zwecke der Verarbeitung"),
        gettext_lazy("die Zwecke der Verarbeitung"),
    ),
    "art30_1_c_data_subjects": Letter(
        "c",
        gettext_lazy("c) Kategorien betroffener Personen"),
        gettext_lazy(
            "eine Beschreibung der Kategorien betroffener Personen und der Kategorien "
            "personenbezogener Daten"
        ),
    ),
    "art30_1_c_data_categories": Letter(
        "c",
        gettext_lazy("c) Kategorien personenbezogener Daten"),
        gettext_lazy(
            "eine Beschreibung der Kategorien betroffener Personen und der Kategorien "
            "personenbezogener Daten"
        ),
    ),
    "art30_1_d_recipients": Letter(
        "d",
        gettext_lazy("d) Kategorien von Empfängern"),
        gettext_lazy(
            "die Kategorien von Empfängern, gegenüber denen die personenbezogenen Daten "
            "offengelegt worden sind oder noch offengelegt werden, einschließlich Empfänger in "
            "Drittländern oder internationalen Organisationen"
        ),
    ),
    "art30_1_e_third_country_transfers": Letter(
        "e",
        gettext_lazy("e) Übermittlungen in Drittländer oder an internationale Organisationen"),
        gettext_lazy(
            "gegebenenfalls Übermittlungen von personenbezogenen Daten an ein Drittland oder an "
            "eine internationale Organisation, einschließlich der Angabe des betreffenden "
            "Drittlands oder der betreffenden internationalen Organisation, sowie bei den in "
            "Artikel 49 Absatz 1 Unterabsatz 2 genannten Datenübermittlungen die Dokumentierung "
            "geeigneter Garantien"
        ),
    ),
    "art30_1_f_erasure_time_limits": Letter(
        "f",
        gettext_lazy("f) Fristen für die Löschung"),
        gettext_lazy(
            "wenn möglich, die vorgesehenen Fristen für die Löschung der verschiedenen "
            "Datenkategorien"
        ),
    ),
    "art30_1_g_security_measures": Letter(
        "g",
        gettext_lazy("g) Technische und organisatorische Maßnahmen"),
        gettext_lazy(
            "wenn möglich, eine allgemeine Beschreibung der technischen und organisatorischen "
            "Maßnahmen gemäß Artikel 32 Absatz 1"
        ),
    ),
}

# The lists that hold one item per data category; a CSV row is one such item.
CATEGORY_LISTS = ("art30_1_c_data_categories", "art30_1_f_erasure_time_limits")


def _contract_text(item: Entry) -> str:
    return _("Vertrag „%(title)s“") % {"title": item["title"]}


def _reference_text(item: Entry) -> str:
    vendor = f" – {item['vendor']}" if item.get("vendor") else ""
    return f"{item['title']}{vendor} ({item['url']})"


def _processor_text(item: Entry) -> str:
    parts = [item["name"], item["role"]["label"], item["country"], item["address"], item["purpose"]]
    return " – ".join([p for p in parts if p] + [_contract_text(item["contract"])])


def _access_text(item: Entry) -> str:
    parts = [
        item["organisation"],
        item["role"],
        item["mode"]["label"],
        item["country"],
        item["purpose"],
    ]
    return " – ".join([p for p in parts if p] + [_contract_text(item["contract"])])


def _transfer_text(item: Entry) -> str:
    safeguard = item["safeguard"] or _("keine angegeben")
    parts = [
        item["recipient"],
        item["country"],
        _("Garantie: %(safeguard)s") % {"safeguard": safeguard},
        _("Quelle: %(source)s") % {"source": item["source"]["label"]},
    ]
    if item["contract"]:
        parts.append(_contract_text(item["contract"]))
    if item["detail"]:
        parts.append(item["detail"])
    return " – ".join(parts)


@dataclass(frozen=True)
class Field:
    """One value of an activity in the export, with its label.

    ``path`` is where the value sits in the JSON entry: keys joined by dots, and ``[]``
    after a list that holds one item per data category (that part becomes one CSV row per
    category). A list value elsewhere is one value; ``item`` turns each of its items to text.
    """

    path: str
    label: Promise
    item: Callable[[Entry], str] | None = None

    @property
    def column(self) -> str:
        """The CSV column: the path without ``art30_1_``, so it starts with the letter."""
        return self.path.removeprefix("art30_1_").replace("[].", "_").replace(".", "_")

    @property
    def section(self) -> str:
        """The Art. 30(1) key this field answers, or "" for the activity's context."""
        key = self.path.split(".", 1)[0].removesuffix("[]")
        return key if key in ART30_LETTERS else ""

    @property
    def per_category(self) -> bool:
        return "[]." in self.path

    def value(self, entry: Entry, index: int = 0) -> Any:
        """The value in ``entry``; for a per-category field that of the ``index``-th category
        (None when the activity has no such category)."""
        path = self.path
        if self.per_category:
            list_key, path = path.split("[].", 1)
            items = entry[list_key]
            if index >= len(items):
                return None
            entry = items[index]
        value: Any = entry
        for key in path.split("."):
            value = value[key]
        return value

    def texts(self, value: Any) -> list[str]:
        """The value as text, one string per item for a list."""
        if isinstance(value, list):
            render = self.item or str
            return [render(item) for item in value]
        if isinstance(value, dict):  # a choice: {"code": …, "label": …}
            return [value["label"]] if value["label"] else []
        shown = display_value(value)  # yes/no in words, a moment in the reader's language
        return [shown] if shown is not None else []


_categories = "art30_1_c_data_categories[]."
_erasure = "art30_1_f_erasure_time_limits[]."

# Every value of an activity, in the order of the CSV columns.
FIELDS: tuple[Field, ...] = (
    Field("id", gettext_lazy("Nummer")),
    Field("slug", gettext_lazy("Kennung")),
    Field("title", gettext_lazy("Bezeichnung der Verarbeitungstätigkeit")),
    Field("url", gettext_lazy("Adresse im Register")),
    Field("office", gettext_lazy("Zuständiges Amt")),
    Field("review_status", gettext_lazy("Prüfung")),
    Field("published_at", gettext_lazy("Veröffentlicht am")),
    Field("art30_1_a_controller.name", gettext_lazy("Verantwortlicher")),
    Field("art30_1_a_controller.contact", gettext_lazy("Kontakt des Verantwortlichen")),
    Field("art30_1_a_controller.joint_controllers", gettext_lazy("Gemeinsam Verantwortliche")),
    Field("art30_1_a_controller.dpo_contact", gettext_lazy("Kontakt des Datenschutzbeauftragten")),
    Field("art30_1_b_purposes", gettext_lazy("Zwecke der Verarbeitung")),
    Field("art30_1_c_data_subjects", gettext_lazy("Kategorien betroffener Personen")),
    Field(_categories + "name", gettext_lazy("Datenkategorie")),
    Field(_categories + "special_category", gettext_lazy("Besondere Kategorie")),
    Field(_categories + "purpose", gettext_lazy("Zweck, dem sie dient")),
    Field(_categories + "legal_basis", gettext_lazy("Rechtsgrundlage")),
    Field(_categories + "retention.amount", gettext_lazy("Speicherdauer")),
    Field(_categories + "retention.unit", gettext_lazy("Einheit der Speicherdauer")),
    Field(_categories + "retention.unlimited", gettext_lazy("Unbegrenzt gespeichert")),
    Field(_categories + "retention.starts_with", gettext_lazy("Die Frist beginnt mit")),
    Field(
        _categories + "retention.justification",
        gettext_lazy("Begründung einer längeren Speicherdauer"),
    ),
    Field(_categories + "mandatory", gettext_lazy("Pflichtangabe")),
    Field(_categories + "necessity", gettext_lazy("Warum die Angabe erforderlich ist")),
    Field(_categories + "source_protection", gettext_lazy("Schutz bei der Erhebung")),
    Field("art30_1_d_recipients.categories", gettext_lazy("Kategorien von Empfängern")),
    Field(
        "art30_1_d_recipients.processors",
        gettext_lazy("Auftragsverarbeiter (aus den Verträgen)"),
        _processor_text,
    ),
    Field(
        "art30_1_d_recipients.accesses",
        gettext_lazy("Zugriff auf die Daten (aus den Verträgen)"),
        _access_text,
    ),
    Field(
        "art30_1_e_third_country_transfers",
        gettext_lazy("Empfänger, Drittland und Garantie"),
        _transfer_text,
    ),
    Field(_erasure + "category", gettext_lazy("Datenkategorie")),
    Field(_erasure + "time_limit", gettext_lazy("Löschfrist")),
    Field(_erasure + "justification", gettext_lazy("Begründung einer längeren Speicherdauer")),
    Field("art30_1_g_security_measures", gettext_lazy("Technische und organisatorische Maßnahmen")),
    Field("projects", gettext_lazy("Projekte"), _reference_text),
    Field("contracts", gettext_lazy("Auftragsverarbeitung (Verträge)"), _reference_text),
    Field("plain_language", gettext_lazy("In einfachen Worten")),
    Field("dpia_reference", gettext_lazy("Datenschutz-Folgenabschätzung")),
    Field("is_platform_own", gettext_lazy("Verarbeitung dieser Plattform")),
)


# --- The shared structure ----------------------------------------------------------------


def _choice(code: str, label: object) -> Entry:
    return {"code": code, "label": str(label)}


def _moment(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _contract_reference(contract: Contract) -> Entry:
    return {"id": contract.pk, "title": contract.title}


def _category_entry(category: DataCategory) -> Entry:
    return {
        "name": category.name,
        "special_category": _choice(
            category.special_category, category.get_special_category_display()
        ),
        "purpose": category.purpose,
        "legal_basis": _choice(category.legal_basis, category.get_legal_basis_display()),
        "retention": {
            "amount": category.retention_amount,
            "unit": _choice(category.retention_unit, category.get_retention_unit_display()),
            "unlimited": category.retention_unlimited,
            "starts_with": category.retention_start,
            "justification": category.retention_justification,
        },
        "mandatory": category.mandatory,
        "necessity": category.necessity,
        "source_protection": _choice(
            category.source_protection, category.get_source_protection_display()
        ),
    }


def _erasure_entry(category: DataCategory) -> Entry:
    return {
        "category": category.name,
        "time_limit": category.retention_text,
        "justification": category.retention_justification,
    }


def _processors(contracts: list[Contract]) -> list[Entry]:
    """The vendor and sub-processors of each linked contract."""
    processors: list[Entry] = []
    for contract in contracts:
        reference = _contract_reference(contract)
        if contract.vendor is not None:
            processors.append(
                {
                    "name": contract.vendor.legal_name,
                    "role": _choice("processor", _("Auftragsverarbeiter")),
                    "country": contract.vendor.country,
                    "address": contract.vendor.address,
                    "purpose": contract.purpose,
                    "contract": reference,
                }
            )
        processors.extend(
            {
                "name": subprocessor.name,
                "role": _choice("subprocessor", _("Unterauftragsverarbeiter")),
                "country": subprocessor.country,
                "address": "",
                "purpose": subprocessor.purpose,
                "contract": reference,
            }
            for subprocessor in contract.subprocessors.all()
        )
    return processors


def _accesses(contracts: list[Contract]) -> list[Entry]:
    return [
        {
            "organisation": access.organisation,
            "role": access.role,
            "purpose": access.purpose,
            "mode": _choice(access.mode, access.get_mode_display()),
            "country": access.country,
            "safeguard": access.safeguard,
            "contract": _contract_reference(contract),
        }
        for contract in contracts
        for access in contract.accesses.all()
    ]


def _third_country_transfers(
    activity: ProcessingActivity, contracts: list[Contract]
) -> list[Entry]:
    """The transfers entered on the activity, then the places outside the EU/EEA that the
    linked contracts name: data locations and sub-processors (a place whose country is not
    entered yet is listed too: it is not known to be inside)."""
    transfers = [
        {
            "recipient": transfer.recipient,
            "country": transfer.country,
            "safeguard": transfer.safeguard,
            "source": _choice("activity", _("auf der Verarbeitungstätigkeit eingetragen")),
            "contract": None,
            "detail": "",
        }
        for transfer in activity.transfers.all()
    ]
    for contract in contracts:
        vendor_name = contract.vendor.legal_name if contract.vendor else ""
        transfers.extend(
            {
                "recipient": location.operator or vendor_name,
                "country": location.country,
                "safeguard": location.safeguard,
                "source": _choice("contract_location", _("Datenort laut Vertrag")),
                "contract": _contract_reference(contract),
                "detail": ", ".join(
                    part
                    for part in (location.get_kind_display(), location.city, location.data_centre)
                    if part
                ),
            }
            for location in contract.locations.all()
            if not in_eu_eea(location.country)
        )
        transfers.extend(
            {
                "recipient": subprocessor.name,
                "country": subprocessor.country,
                "safeguard": subprocessor.safeguard,
                "source": _choice("contract_subprocessor", _("Unterauftragnehmer laut Vertrag")),
                "contract": _contract_reference(contract),
                "detail": subprocessor.purpose,
            }
            for subprocessor in contract.subprocessors.all()
            if not in_eu_eea(subprocessor.country)
        )
        # Access from afar out of a third country is a transfer there too.
        transfers.extend(
            {
                "recipient": access.organisation,
                "country": access.country,
                "safeguard": access.safeguard,
                "source": _choice("contract_access", _("Fernzugriff laut Vertrag")),
                "contract": _contract_reference(contract),
                "detail": ", ".join(part for part in (access.role, access.purpose) if part),
            }
            for access in contract.accesses.all()
            if access.mode == AccessMode.REMOTE and not in_eu_eea(access.country)
        )
    return transfers


def _activity_entry(activity: ProcessingActivity) -> Entry:
    categories = list(activity.categories.all())
    contracts = list(activity.contracts.all())
    return {
        "id": activity.pk,
        "slug": activity.slug,
        "title": activity.title,
        "url": activity.get_absolute_url(),
        "office": activity.office.name if activity.office else "",
        "review_status": _choice(activity.review_status, activity.get_review_status_display()),
        "published_at": _moment(activity.published_at),
        "art30_1_a_controller": {
            "name": activity.controller,
            "contact": activity.controller_contact,
            "joint_controllers": activity.joint_controllers,
            "dpo_contact": activity.dpo_contact,
        },
        "art30_1_b_purposes": activity.purposes,
        "art30_1_c_data_subjects": activity.data_subjects,
        "art30_1_c_data_categories": [_category_entry(c) for c in categories],
        "art30_1_d_recipients": {
            "categories": activity.recipients,
            "processors": _processors(contracts),
            "accesses": _accesses(contracts),
        },
        "art30_1_e_third_country_transfers": _third_country_transfers(activity, contracts),
        "art30_1_f_erasure_time_limits": [_erasure_entry(c) for c in categories],
        "art30_1_g_security_measures": activity.security_measures,
        "projects": [
            {"title": project.title, "url": project.get_absolute_url()}
            for project in activity.projects.all()
        ],
        "contracts": [
            {
                **_contract_reference(contract),
                "url": contract.get_absolute_url(),
                "vendor": contract.vendor.legal_name if contract.vendor else "",
            }
            for contract in contracts
        ],
        "plain_language": activity.plain_language,
        "dpia_reference": activity.dpia_reference,
        "is_platform_own": activity.is_platform_own,
    }


def register_rows(activities: QuerySet[ProcessingActivity], *, public: bool = False) -> list[Entry]:
    """Each activity as a dict with every Art. 30(1) field, keyed by the letter it answers,
    sorted by title.

    With ``public``, linked projects and contracts that are not published are left out, as
    on the public page; the caller chooses which activities (``.published()`` for the public).
    A fixed number of queries, however many activities, categories and contracts.
    """
    contracts = (
        Contract.objects.select_related("vendor")
        .prefetch_related(
            Prefetch("locations", queryset=DataLocation.objects.order_by("pk")),
            Prefetch("subprocessors", queryset=SubProcessor.objects.order_by("pk")),
            Prefetch("accesses", queryset=DataAccess.objects.order_by("pk")),
        )
        .order_by("title", "pk")
    )
    projects = Project.objects.order_by("title", "pk")
    if public:
        contracts, projects = contracts.published(), projects.published()
    activities = (
        activities.select_related("office")
        .prefetch_related(
            Prefetch("categories", queryset=DataCategory.objects.order_by("pk")),
            Prefetch("transfers", queryset=Transfer.objects.order_by("pk")),
            Prefetch("projects", queryset=projects),
            Prefetch("contracts", queryset=contracts),
        )
        .order_by("title", "slug")
    )
    return [_activity_entry(activity) for activity in activities]


def register_header(*, public: bool = False, generated_at: datetime | None = None) -> Entry:
    """Who keeps the register, when it was generated, and what each Art. 30 key means."""
    return {
        "title": _("Verzeichnis von Verarbeitungstätigkeiten"),
        "legal_basis": _("Art. 30 Abs. 1 DSGVO"),
        "controller": {
            "name": settings.OPERATOR_NAME,
            "address": settings.OPERATOR_ADDRESS,
            "email": settings.OPERATOR_EMAIL,
        },
        "dpo_contact": settings.DPO_CONTACT,
        "generated_at": _moment(generated_at or timezone.now()),
        "published_only": public,
        "legend": {
            key: _("Art. 30 Abs. 1 lit. %(letter)s DSGVO: %(text)s")
            % {"letter": letter.letter, "text": letter.text}
            for key, letter in ART30_LETTERS.items()
        },
    }


# --- JSON and CSV ------------------------------------------------------------------------


def export_json(
    activities: QuerySet[ProcessingActivity],
    *,
    public: bool = False,
    generated_at: datetime | None = None,
) -> bytes:
    """The register as UTF-8 JSON: a document header and the activities sorted by title."""
    document = {
        "document": register_header(public=public, generated_at=generated_at),
        "activities": register_rows(activities, public=public),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def _cell(field: Field, value: Any) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return "; ".join(field.texts(value))


def export_csv(activities: QuerySet[ProcessingActivity], *, public: bool = False) -> bytes:
    """The register as CSV, one row per data category (at least one per activity).

    UTF-8 with a byte order mark, so that spreadsheets open umlauts right; cells that a
    spreadsheet would run as a formula are defused.
    """
    rows = (
        [_cell(field, field.value(entry, index)) for field in FIELDS]
        for entry in register_rows(activities, public=public)
        for index in range(max(1, len(entry[CATEGORY_LISTS[0]])))
    )
    return csv_table([field.column for field in FIELDS], rows).encode("utf-8-sig")


# --- PDF ---------------------------------------------------------------------------------
