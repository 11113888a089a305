"""What the pipeline's tests share: a CSV with personal data and storage in a temporary folder."""

import csv
import io
import random

from faker import Faker

POSTCODES = ("44787", "44789", "44791", "44793", "44795", "44797", "44799", "44801")
DIAGNOSES = ("Asthma", "Diabetes", "Bluthochdruck", "Migräne", "Rückenschmerzen")


def patients_csv(rows: int = 200, seed: int = 7) -> bytes:
    """Patients of a made-up clinic: names, e-mails, ages, postcodes and a diagnosis."""
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    chance = random.Random(seed)  # noqa: S311 - made-up test data, nothing secret
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "alter", "plz", "diagnose"])
    for _ in range(rows):
        first, last = fake.first_name(), fake.last_name()
        writer.writerow(
            [
                f"{first} {last}",
                f"{first}.{last}@example.org".lower(),
                chance.randint(18, 90),
                chance.choice(POSTCODES),
                chance.choice(DIAGNOSES),
            ]
        )
    return out.getvalue().encode()


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def check_files() -> None:
    """Run the pending checks of public files for personal data, as the worker does them."""
    from offenestadt.opendata.filescan.models import FileScan, ScanState
    from offenestadt.opendata.filescan.services import file_scan_run

    for scan in FileScan.objects.filter(state=ScanState.PENDING):
        file_scan_run(scan)
