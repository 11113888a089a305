"""Two demo contracts: one that keeps the data with the city, one that does not."""

from decimal import Decimal

from offenestadt.accounts.models import Role, User
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.contracts import services
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    ContractStatus,
    DataAccess,
    DataLocation,
    DataOwner,
    Location,
    Redaction,
    RedactionReason,
    SubProcessor,
    Vendor,
)
from offenestadt.council.demo import demo_papers
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save


def _vendor(legal_name: str, country: str) -> Vendor:
    vendor = Vendor.objects.filter(legal_name=legal_name).first()
    if vendor is None:
        vendor = Vendor(legal_name=legal_name, country=country)
        save_record(record=vendor, actor=None, event=AuditEvent.CREATED)
    return vendor


def _contract(
    project_title: str,
    clauses: list[services.ContractClause],
    papers: tuple[str, ...] = (),
    **fields: object,
) -> None:
    """A published contract of the project, linked to the demo council's ``papers``."""
    if Contract.objects.filter(title=fields["title"]).exists():
        return
    project = Project.objects.select_related("office").get(title=project_title)
    editor = User.objects.filter(role=Role.EDITOR, office=project.office).earliest("pk")
    contract = Contract(**fields)
    links = {"council_papers": demo_papers(*papers)}
    linked_record_save(actor=editor, record=contract, projects=[project], links=links)
    for clause in clauses:
        clause.contract = contract
        services.contract_clause_save(actor=editor, clause=clause)
    services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)


def load_demo() -> list[str]:
    _contract(
        "Offenes WLAN in Stadtteilzentren (Demo)",
        [
            DataLocation(
                kind=Location.PROCESSING,
                country="DE",
                city="Musterstadt",
                operator="Stadtwerke Musterstadt (Demo)",
                data_centre="Rechenzentrum Stadtwerke",
            ),
            DataAccess(
                organisation="Stadtwerke Musterstadt (Demo)",
                role="Netzbetrieb",
                purpose="Wartung der Zugangspunkte",
                mode=AccessMode.REMOTE,
                country="DE",
            ),
            SubProcessor(
                name="Netzwerk-Monitoring Pune Pvt. Ltd. (Demo)",
                country="IN",
                purpose="Überwachung der Verbindungen außerhalb der Geschäftszeiten",
                safeguard="Standardvertragsklauseln der EU-Kommission (Art. 46 Abs. 2 c DSGVO), "
                "Modul 3",
            ),
            Redaction(
                passage="Anlage 3: Netzplan",
                category=RedactionReason.SECURITY,
                reason="Der Netzplan zeigt, welche Zugangspunkte ohne Ersatzleitung angebunden "
                "sind; wer ihn kennt, kann gezielt ganze Stadtteile vom Netz trennen.",
            ),
        ],
        title="Betriebsvertrag WLAN-Backbone mit den Stadtwerken (Demo)",
        purpose="Betrieb und Wartung der Verbindung der Zugangspunkte.",
        vendor=_vendor("Stadtwerke Musterstadt GmbH (Demo)", "DE"),
        value=Decimal("120000"),
        procurement_procedure="Inhouse-Vergabe an ein städtisches Unternehmen",
        data_owner=DataOwner.CITY,
        secondary_use_prohibited=True,
        audit_rights=True,
        data_return_format="CSV und GeoJSON",
        deletion_at_end=True,
    )
    _contract(
        "Sensoren für Bodenfeuchte in Parks (Demo)",
        [
            DataLocation(kind=Location.STORAGE, country="US", operator="SensorCloud (Demo)"),
            SubProcessor(name="Analytics Partner (Demo)", country="SG", purpose="Auswertung"),
            SubProcessor(name="Kartendienst (Demo)", purpose="Karten der Sensorstandorte"),
            DataAccess(
                organisation="SensorCloud Inc. (Demo)",
                role="Support",
                purpose="Fehlersuche auf der Plattform",
                mode=AccessMode.REMOTE,
                country="US",
            ),
            Redaction(
                passage="§ 7 Stückpreise je Sensor",
                category=RedactionReason.TRADE_SECRET,
                reason="Die Stückpreise zeigen die Kalkulation des Anbieters für laufende "
                "Ausschreibungen anderer Städte; der Gesamtwert des Vertrags ist öffentlich.",
            ),
        ],
        papers=("p2",),
        title="Lizenz- und Servicevertrag Sensorplattform (Demo)",
        purpose="Bereitstellung der Sensorplattform als Dienst.",
        vendor=_vendor("SensorCloud Inc. (Demo)", "US"),
        value=Decimal("38000"),
        procurement_procedure="Verhandlungsvergabe",
        data_owner=DataOwner.VENDOR,
    )
    return []
