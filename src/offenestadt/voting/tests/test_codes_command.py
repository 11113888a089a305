"""`offenestadt voting codes`: the CSV and the letters are the only place the codes exist as
text; the database keeps their salted hashes, and the letters say how to vote three ways."""

import csv
import io
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from offenestadt.accounts.models import Office
from offenestadt.audit.models import AuditEntry
from offenestadt.core.tests.pdfs import assert_accessible_pdf
from offenestadt.voting import services
from offenestadt.voting.models import CodeBatch, VoteKind, VotingCode
from offenestadt.voting.tests.factories import close, make_vote, option_ids

pytestmark = pytest.mark.django_db


def _issue(vote_id: int, count: int, out: Path, *extra: str) -> str:
    stdout = io.StringIO()
    call_command(
        "voting", "codes", "--vote", str(vote_id), "--count", str(count), "--out", str(out),
        *extra, stdout=stdout,
    )  # fmt: skip
    return stdout.getvalue()


def _csv_codes(path: Path) -> list[str]:
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    return [row["code"] for row in rows]


def test_codes_go_to_the_csv_and_only_their_hashes_to_the_database(
    office: Office, tmp_path: Path
) -> None:
    vote = make_vote(office)
    out = tmp_path / "codes.csv"

    message = _issue(vote.pk, 25, out, "--note", "Bezirk Mitte")

    assert "25 Codes" in message
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [row["number"] for row in rows] == [str(n) for n in range(1, 26)]
    codes = [row["code"] for row in rows]
    assert len(set(codes)) == 25
    batch = CodeBatch.objects.get()
    assert {row["vote"] for row in rows} == {str(vote.pk)}
    assert {row["batch"] for row in rows} == {str(batch.pk)}
    assert (batch.count, batch.note) == (25, "Bezirk Mitte")
    # Only the owner may read the file.
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    stored = set(VotingCode.objects.filter(batch=batch).values_list("code_hash", flat=True))
    assert stored == {services.code_hash(vote=vote, code=code) for code in codes}
    dump = " ".join(str(value) for row in VotingCode.objects.values() for value in row.values())
    assert not any(code in dump or code.replace("-", "") in dump for code in codes)
    # The batch is public record; the codes are not in the audit trail.
    entries = AuditEntry.objects.filter(object_type="voting.codebatch")
    assert entries.count() == 1
    assert not any(code in str(entries.get().changes) for code in codes)


def test_the_codes_from_the_file_vote(office: Office, tmp_path: Path) -> None:
    vote = make_vote(office)
    out = tmp_path / "codes.csv"
    _issue(vote.pk, 3, out)
    choice = [option_ids(vote)["Stadtpark"]]

    for code in _csv_codes(out):
        services.ballot_cast(vote=vote, code=code, choices=choice)

    assert VotingCode.objects.filter(used=True).count() == 3


def test_letters_carry_the_codes_one_per_page(office: Office, tmp_path: Path) -> None:
    vote = make_vote(
        office,
        kind=VoteKind.BUDGET,
        costs=("5000", "4000", "3500"),
        budget="9000",
        labels=("Stadtpark", "Westpark", "Südpark"),
    )
    out, pdf = tmp_path / "codes.csv", tmp_path / "briefe.pdf"

    _issue(vote.pk, 4, out, "--pdf", str(pdf), "--site-url", "https://beteiligung.example.org")

    codes = _csv_codes(out)
    reader = assert_accessible_pdf(
        pdf.read_bytes(), title=f"Abstimmungscodes: {vote.title}", language="de"
    )
    assert len(reader.pages) == 4
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    for page, code in zip(reader.pages, codes, strict=True):
        text = " ".join(page.extract_text().split())
        assert text.count(code) == 2, text  # on the letter and on the ballot to send back
        others = [other for other in codes if other != code]
        assert not any(other in text for other in others)
        assert f"https://beteiligung.example.org/abstimmungen/{vote.pk}/" in text
        assert "Online" in text
        assert "Per Brief" in text
        assert "Persönlich" in text
        assert "Stadtpark (5.000,00 €)" in text
        assert "höchstens 9.000,00 Euro" in text


def test_existing_files_are_never_overwritten(office: Office, tmp_path: Path) -> None:
    vote = make_vote(office)
    out, pdf = tmp_path / "codes.csv", tmp_path / "briefe.pdf"
    out.write_text("earlier codes")

    with pytest.raises(CommandError, match="gibt es schon"):
        _issue(vote.pk, 2, out)
    pdf.write_bytes(b"%PDF-")
    with pytest.raises(CommandError, match="gibt es schon"):
        _issue(vote.pk, 2, tmp_path / "neu.csv", "--pdf", str(pdf))

    assert out.read_text() == "earlier codes"
    assert not (tmp_path / "neu.csv").exists()
    assert not VotingCode.objects.exists()


def test_nothing_is_stored_when_the_file_cannot_be_written(office: Office, tmp_path: Path) -> None:
    vote = make_vote(office)
    with pytest.raises(CommandError):
        _issue(vote.pk, 2, tmp_path / "gibt-es-nicht" / "codes.csv")
    assert not VotingCode.objects.exists()
    assert not CodeBatch.objects.exists()


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("closed", "beendet"),
        ("poll", "braucht keine Codes"),
        ("zero", "zwischen 1 und"),
        ("missing", "keine Abstimmung"),
    ],
)
def test_refusals(office: Office, tmp_path: Path, setup: str, words: str) -> None:
    vote = make_vote(office, requires_code=setup != "poll")
    if setup == "closed":
        close(vote)
    vote_id = 999999 if setup == "missing" else vote.pk
    count = 0 if setup == "zero" else 2
    out = tmp_path / "codes.csv"

    with pytest.raises(CommandError, match=words):
        _issue(vote_id, count, out)

    assert not out.exists()
    assert not VotingCode.objects.exists()


def test_codes_for_a_vote_that_has_not_opened_yet(office: Office, tmp_path: Path) -> None:
    vote = make_vote(
        office, opened_ago=timedelta(days=-10), closes_in=timedelta(days=20), published=False
    )
    _issue(vote.pk, 2, tmp_path / "codes.csv")
    assert VotingCode.objects.filter(vote=vote).count() == 2


def test_the_offenestadt_command_knows_voting() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "offenestadt", "voting", "codes", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={"SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "--count" in result.stdout
    assert "--pdf" in result.stdout
