"""The README's commands, typed as written in the folder where `offenestadt demo` ran; a
configuration error (a setting, or a database out of reach or not migrated) is one line naming
the variable, exit code 2, never a traceback."""

import importlib.util
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[4] / "README.md"
OFFENESTADT = Path(sys.executable).with_name("offenestadt")
SECRET = "k2F!v9#Lq0pZx7@Wm4^Rt8&Yb1*Nc6(Hd3)Ge5_Js0+Ua2-Io9=Pl4"


@dataclass(frozen=True)
class Run:
    line: str  # as typed after `offenestadt`
    says: str  # what the output (stdout and stderr) shows; for a server: the page
    code: int = 0
    env: dict[str, str] = field(default_factory=dict)
    page: str = ""  # a server: this page is fetched, then the server is stopped


# Each entry of the README's command table -> what a user types beside the demo and sees.
BESIDE_THE_DEMO: dict[str, list[Run]] = {
    "demo": [Run("demo --no-serve", "Demo-Inhalte geladen.")],
    # Beside the demo without SECRET_KEY: the demo's settings, plain HTTP (no redirect).
    "serve": [
        Run(
            "serve --port {port} --workers 1",
            "Demo: alle Inhalte sind erfunden.",
            page="/projekte/",
        )
    ],
    # --batch: the tasks the demo queued, then it stops (as written, it runs until stopped).
    "worker": [Run("worker --batch --no-startup-delay", "exiting gracefully")],
    "migrate": [Run("migrate", "No migrations to apply.")],
    "audit verify": [Run("audit verify", "audit chain ok")],
    "audit checkpoint": [Run("audit checkpoint", "checkpoint ")],
    # The demo writes its reports through the trail: nothing is left to take in.
    "audit backfill": [
        Run("audit backfill participation.report", "participation.report: 0 records taken into")
    ],
    "charter load": [
        Run("charter export --output charter.toml", ""),
        Run("charter load charter.toml", "ist schon geladen, unverändert"),
    ],
    "charter export": [Run("charter export --version 1", "[charter]")],
    "evaluate": [Run("evaluate", "Projekte geprüft")],
    "processing export": [
        Run("processing export --format json", '"activities"'),
        Run("processing export --format csv", "a_controller_name"),
        Run("processing export --format pdf", "%PDF-"),
    ],
    "report": [
        Run("report --year 2025 --format html", "Jahresbericht 2025"),
        Run("report --year 2025 --format pdf", "%PDF-"),
        Run("report --year neunzehn", "keine Jahreszahl", code=1),
    ],
    "retention run": [Run("retention run", "in all")],
    "retention schedule": [Run("retention schedule", "retention run")],
    "scan": [Run("scan people.csv --format json", '"quasi-identifier"')],
    "anonymize": [
        Run(
            "anonymize people.csv --qi age,zip --identifier name --hierarchy age=intervals:10,20 "
            "--hierarchy zip=postcode --k 5 --out release.csv",
            "5-anonymity",
        )
    ],
    "voting codes": [
        Run("voting codes --vote {vote} --count 3 --out codes.csv --pdf codes.pdf", "3 Codes")
    ],
    "backup": [Run("backup --out backup.tar", "backup written: backup.tar")],
    "restore": [
        Run("backup --out restore-me.tar", "backup written"),
        # Never over the demo's data; a drill goes into a new database, as the demo.
        Run("restore restore-me.tar", "is not empty", code=2),
        Run(
            "restore restore-me.tar",
            "audit chain ok",
            env={
                "DATABASE_URL": "sqlite:///drill.sqlite3",
                "MEDIA_ROOT": "drill-media",
                "OFFENESTADT_DEMO": "true",
            },
        ),
    ],
    # For production: in demo mode it fails, and says why.
    "check-deploy": [Run("check-deploy", "offenestadt.E001", code=1)],
    # Without a terminal the account comes from the options and DJANGO_SUPERUSER_PASSWORD.
    "createadmin": [
        Run("createadmin --noinput --username chefin --email chefin@example.org", "created")
    ],
    "collectstatic": [Run("collectstatic", "static files copied")],
    "manage": [Run("manage check", "no issues")],
    # No council information system answers on port 9 (discard): the import says so.
    "oparl import": [Run("oparl import http://127.0.0.1:9/oparl", "keine Antwort", code=1)],
    "oparl schedule": [Run("oparl schedule http://127.0.0.1:9/oparl", "für den Worker eingereiht")],
    "sbom": [Run("sbom --output sbom.json", "SBOM geschrieben: sbom.json")],
    # No community map answers on port 9 (discard): the import says so, in German.
    "infrastructure import-freifunk": [
        Run(
            "infrastructure import-freifunk http://127.0.0.1:9/meshviewer.json",
            "antwortet nicht",
            code=1,
        )
    ],
    # The demo sets no community map: nothing is queued, and the command says so.
    "infrastructure schedule-freifunk": [
        Run("infrastructure schedule-freifunk", "kein Freifunk-Import eingeplant")
    ],
}


def readme_commands() -> set[str]:
    """'command' or 'command subcommand' for each line of the README's command table."""
    block = README.read_text(encoding="utf-8").split("## The `offenestadt` command")[1]
    names: set[str] = set()
    for line in block.split("```")[1].splitlines():
        words = re.split(r"\s{2,}", line.strip())[0].split()
        if len(words) < 2 or words[0] != "offenestadt":
            continue
        subcommands: list[str] = []
        for word in words[2:]:  # "run | schedule": either
            if word != "|" and not re.fullmatch(r"[a-z][a-z-]*", word):
                break
            if word != "|":
                subcommands.append(word)
        names |= {f"{words[1]} {sub}" for sub in subcommands} or {words[1]}
    return names


def user_env(**extra: str) -> dict[str, str]:
    """A user's shell: none of the test suite's (or CI's) settings."""
    test_settings = {
        "SECRET_KEY",
        "DATABASE_URL",
        "DATABASE_REPLICA_URL",
        "MEDIA_ROOT",
        "STATIC_ROOT",
        "S3_BUCKET",
        "OFFENESTADT_DATA_DIR",
        "OFFENESTADT_DEMO",
        "SECURE_HTTPS",
        "SERVE_STATIC_FROM_APPS",
        "DJANGO_SETTINGS_MODULE",
    }
    return {k: v for k, v in os.environ.items() if k not in test_settings} | extra


def offenestadt(line: str, folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(OFFENESTADT), *shlex.split(line)],
        cwd=folder,
        env=user_env(**env),
        capture_output=True,
        timeout=300,
        check=False,
    )
    # The PDF goes to stdout as bytes; its header is text.
    out = result.stdout.decode(errors="replace")
    return subprocess.CompletedProcess(
        result.args, result.returncode, out, result.stderr.decode(errors="replace")
    )


def serve(run: Run, folder: Path) -> subprocess.CompletedProcess[str]:
    """Start the server, fetch the page (its text becomes stdout), stop it with SIGTERM."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(OFFENESTADT), *shlex.split(run.line.format(port=port))],
        cwd=folder,
        env=user_env(**run.env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    page = ""
    try:
        deadline = time.monotonic() + 120
        while not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{run.page}") as response:
                    page = response.read().decode()
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.3)
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=60)
    return subprocess.CompletedProcess(server.args, server.returncode, page, log)


@dataclass(frozen=True)
class Demo:
    folder: Path
    vote: str
    loaded: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("city")
    loaded = offenestadt(BESIDE_THE_DEMO["demo"][0].line, folder)
    assert loaded.returncode == 0, loaded.stderr
    rows = [f"Person {i},{20 + i * 7 % 50},{44787 + i % 3 * 2},{'ABC'[i % 3]}" for i in range(30)]
    (folder / "people.csv").write_text("\n".join(["name,age,zip,diagnosis", *rows]) + "\n")
    vote = re.search(r"/abstimmungen/(\d+)/", loaded.stdout)
    assert vote, loaded.stdout
    yield Demo(folder, vote.group(1), loaded)


def test_every_command_in_the_readme_has_a_case_here() -> None:
    assert readme_commands() == set(BESIDE_THE_DEMO), (
        "the README's command table and BESIDE_THE_DEMO must name the same commands"
    )


@pytest.mark.parametrize("entry", list(BESIDE_THE_DEMO))
def test_the_readme_commands_work_beside_the_demo(entry: str, demo: Demo) -> None:
    """As `make demo` leaves the folder: no SECRET_KEY, no OFFENESTADT_DEMO, nothing set."""
    for run in BESIDE_THE_DEMO[entry]:
        if entry == "demo":
            result = demo.loaded
        elif run.page:
            result = serve(run, demo.folder)
        else:
            result = offenestadt(
                run.line.format(vote=demo.vote),
                demo.folder,
                DJANGO_SUPERUSER_PASSWORD="ein-langes-Passwort-nur-zum-Testen",
                **run.env,
            )
        output = result.stdout + result.stderr
        assert result.returncode == run.code, output
        assert run.says in output
        assert "Traceback" not in output


def test_a_secret_key_or_another_database_ends_demo_mode_beside_the_demo(demo: Demo) -> None:
    """The demo's folder never relaxes a production server: SECRET_KEY set means production."""
    production = offenestadt("check-deploy", demo.folder, SECRET_KEY=SECRET)
    assert production.returncode == 1
    assert "offenestadt.E004" in production.stderr  # SITE_URL is not https: checked as usual
    assert "offenestadt.E001" not in production.stderr  # but not in demo mode

    elsewhere = offenestadt(
        "audit verify", demo.folder, DATABASE_URL=f"sqlite:///{demo.folder / 'other.sqlite3'}"
    )
    assert elsewhere.returncode == 2
    assert elsewhere.stdout == ""
    assert elsewhere.stderr.startswith("offenestadt: SECRET_KEY is not set: set it to")
    assert "the demo in" in elsewhere.stderr
    assert elsewhere.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is not set: set it to at least 50 random characters"),
        ({"SECRET_KEY": SECRET, "DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        (
            {"SECRET_KEY": SECRET, "UPLOAD_MAX_BYTES": "abc"},
            "UPLOAD_MAX_BYTES must be a whole number, not 'abc'",
        ),
        (
            {"SECRET_KEY": SECRET, "DATABASE_URL": "nonsense://"},
            "DATABASE_URL (nonsense://…) is not a PostgreSQL or SQLite URL: set it to",
        ),
        (
            # A port that is no number; the password is not repeated.
            {"SECRET_KEY": SECRET, "DATABASE_URL": "postgres://city:s3cr3t@db:port/city"},
            "DATABASE_URL (postgres://…) is not a PostgreSQL or SQLite URL: set it to",
        ),
        (
            # Nothing listens on port 9 (discard) of the loopback.
            {"SECRET_KEY": SECRET, "DATABASE_URL": "postgres://city:s3cr3t@127.0.0.1:9/city"},
            "DATABASE_URL: cannot connect to the database (connection failed: ",
        ),
        (
            {"SECRET_KEY": SECRET},
            "migrations (no such table: audit_checkpoint): run `offenestadt migrate`",
        ),
        (
            {"SECRET_KEY": SECRET, "OFFENESTADT_DATA_DIR": "/dev/null/data"},
            "OFFENESTADT_DATA_DIR: cannot create /dev/null/data (Not a directory): set it to",
        ),
        pytest.param(
            {"SECRET_KEY": SECRET, "S3_BUCKET": "city"},
            "S3_BUCKET is set, but django-storages is missing: install offenestadt[s3]",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("storages") is not None,
                reason="django-storages (offenestadt[s3]) is installed here",
            ),
        ),
        (
            {"SECRET_KEY": SECRET, "TIME_ZONE": "Mars/Olympus"},
            "TIME_ZONE must be a time zone such as Europe/Berlin, not 'Mars/Olympus'",
        ),
        (
            {"SECRET_KEY": SECRET, "LOG_LEVEL": "loud"},
            "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'loud'",
        ),
    ],
)
def test_a_configuration_error_is_one_line_and_exit_code_2(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = offenestadt("audit verify", tmp_path, **env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("offenestadt: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "s3cr3t" not in result.stderr


@pytest.mark.parametrize("line", ["serve --port 9", "manage db_worker"])
def test_the_server_and_the_worker_refuse_a_configuration_error_in_one_line(
    tmp_path: Path, line: str
) -> None:
    result = offenestadt(line, tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("offenestadt: SECRET_KEY is not set: set it to")
    assert result.stderr.count("\n") == 1


def test_the_server_names_an_address_it_cannot_listen_on_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = offenestadt(f"serve --port {port}", tmp_path, SECRET_KEY=SECRET)
    assert busy.returncode == 2
    assert f"cannot listen on 127.0.0.1 port {port} (Address already in use)" in busy.stderr
    assert "Traceback" not in busy.stderr
    no_port = offenestadt("serve --port 99999", tmp_path, SECRET_KEY=SECRET)
    assert no_port.returncode == 2
    assert "'99999' is not a port (1 to 65535)" in no_port.stderr
    assert "Traceback" not in no_port.stderr
