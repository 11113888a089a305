"""Adopting charter versions: loaded from a file, amended, audited, and never overwritten."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from offenestadt.audit.models import AuditEntry
from offenestadt.charter.demo import DEFAULT_CHARTER
from offenestadt.charter.document import CharterFileError, parse_charter, write_charter
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import CONTRACT_MIN_PUBLIC_DAYS, parameter_value
from offenestadt.charter.services import charter_amend, charter_load

pytestmark = pytest.mark.django_db
TEXT = DEFAULT_CHARTER.read_text(encoding="utf-8")


def test_loading_adopts_a_public_audited_version() -> None:
    version, created = charter_load(text=TEXT, actor=None)
    assert created
    assert (version.number, version.adopted_on) == (1, date(2021, 3, 25))
    assert parameter_value(version, CONTRACT_MIN_PUBLIC_DAYS) == 14
    (entry,) = AuditEntry.objects.for_record(version)
    assert (entry.action, entry.actor_role, entry.is_public) == ("create", "system", True)


def test_loading_the_same_version_again_changes_nothing() -> None:
    charter_load(text=TEXT, actor=None)
    entries = AuditEntry.objects.count()
    _version, created = charter_load(text=TEXT, actor=None)
    assert not created
    assert (CharterVersion.objects.count(), AuditEntry.objects.count()) == (1, entries)


def test_a_version_number_is_never_reused_for_other_content() -> None:
    charter_load(text=TEXT, actor=None)
    changed = TEXT.replace("contract_min_public_days = 14", "contract_min_public_days = 7")
    with pytest.raises(CharterFileError) as error:
        charter_load(text=changed, actor=None)
    assert [str(p) for p in error.value.problems] == [
        "Zeile 15, charter.version: Version 1 ist schon mit anderem Inhalt beschlossen; "
        "eine Änderung braucht die nächste Versionsnummer."
    ]
    assert parameter_value(CharterVersion.objects.get(), CONTRACT_MIN_PUBLIC_DAYS) == 14


def test_a_new_version_follows_the_newest_in_number_and_date() -> None:
    charter_load(text=TEXT, actor=None)
    skipped = TEXT.replace("version = 1", "version = 3").replace("2021-03-25", "2020-01-01")
    with pytest.raises(CharterFileError) as error:
        charter_load(text=skipped, actor=None)
    assert [str(p) for p in error.value.problems] == [
        "Zeile 15, charter.version: Die nächste Version ist 2.",
        "Zeile 16, charter.adopted_on: Das Datum liegt vor dem Beschluss der Version 1 "
        "(2021-03-25).",
    ]
    assert CharterVersion.objects.count() == 1


def test_an_amendment_is_a_new_version_and_the_old_one_stays_readable() -> None:
    first, _ = charter_load(text=TEXT, actor=None)
    second = charter_amend(
        base=first,
        actor=None,
        adopted_on=date(2024, 6, 20),
        council_decision="Ratsbeschluss 2024/17",
        parameters={"contract_min_public_days": 28},
    )
    first.refresh_from_db()
    assert (second.number, parameter_value(second, CONTRACT_MIN_PUBLIC_DAYS)) == (2, 28)
    assert parameter_value(first, CONTRACT_MIN_PUBLIC_DAYS) == 14
    assert second.principles() == first.principles()
    assert CharterVersion.objects.in_force() == second
    assert CharterVersion.objects.in_force(on=date(2023, 1, 1)) == first


def test_a_version_adopted_for_the_future_is_not_yet_in_force() -> None:
    first, _ = charter_load(text=TEXT, actor=None)
    charter_amend(
        base=first,
        actor=None,
        adopted_on=timezone.localdate() + timedelta(days=30),
        council_decision="Ratsbeschluss, gilt ab nächstem Monat",
    )
    assert CharterVersion.objects.in_force() == first


def test_command_loads_exports_and_lists_every_problem(tmp_path: Path, capsys) -> None:
    source = tmp_path / "charta.toml"
    source.write_text(TEXT, encoding="utf-8")
    call_command("charter", "load", str(source))
    exported = tmp_path / "export.toml"
    call_command("charter", "export", "--output", str(exported))
    assert parse_charter(exported.read_text(encoding="utf-8")) == parse_charter(TEXT)
    assert exported.read_text(encoding="utf-8") == write_charter(
        CharterVersion.objects.get().document
    )

    broken = tmp_path / "kaputt.toml"
    broken.write_text(TEXT.replace("version = 1", "version = 0").replace('id = "P2"', 'id = "P1"'))
    with pytest.raises(CommandError, match="2 Fehler, nichts wurde geladen"):
        call_command("charter", "load", str(broken))
    errors = capsys.readouterr().err
    assert "kaputt.toml: Zeile 15, charter.version: erwartet wird eine ganze Zahl ab 1" in errors
    assert "Zeile 49, principles[2].id: die Kennung P1 kommt doppelt vor" in errors
    assert CharterVersion.objects.count() == 1
