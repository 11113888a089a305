"""The people every test uses (the environment for the settings is in pyproject.toml)."""

import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.color import Style
from django.db.backends.postgresql.operations import DatabaseOperations
from django.db.models import FileField
from django.test import Client, override_settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.management.commands import db_worker

from offenestadt.accounts.models import Office, Role, User
from offenestadt.charter.demo import load_demo as load_demo_charter
from offenestadt.charter.models import CharterVersion
from offenestadt.opendata.models import RawUpload


def make_user(username: str, role: Role, office: Office | None = None) -> User:
    """An account without a password (tests sign in directly; Argon2 is slow on purpose)."""
    user = User.objects.create_user(username=username, password=None, role=role, office=office)
    if user.needs_second_factor:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def sign_in(client: Client, user: User) -> Client:
    """Sign in as after password and second factor."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """A test client signed in as the given person (None: an anonymous visitor)."""

    def make(user: User | None) -> Client:
        client = Client()
        return sign_in(client, user) if user is not None else client

    return make


@pytest.fixture
def office(db: None) -> Office:
    return Office.objects.create(slug="digitalisierung", name="Stabsstelle Digitalisierung")


@pytest.fixture
def other_office(db: None) -> Office:
    return Office.objects.create(slug="umwelt", name="Umweltamt")


@pytest.fixture
def resident(db: None) -> User:
    return make_user("resident", Role.RESIDENT)


@pytest.fixture
def editor(office: Office) -> User:
    return make_user("editor", Role.EDITOR, office)


@pytest.fixture
def other_editor(other_office: Office) -> User:
    return make_user("other-editor", Role.EDITOR, other_office)


@pytest.fixture
def dpo(db: None) -> User:
    return make_user("dpo", Role.DPO)


@pytest.fixture
def council_member(db: None) -> User:
    return make_user("council", Role.COUNCIL)


@pytest.fixture
def administrator(db: None) -> User:
    return make_user("administrator", Role.ADMIN)


@pytest.fixture
def people(
    resident: User,
    editor: User,
    other_editor: User,
    dpo: User,
    council_member: User,
    administrator: User,
) -> dict[str, User | None]:
    """Everyone by role name; 'anonymous' is a visitor without an account."""
    return {
        "anonymous": None,
        "resident": resident,
        "editor": editor,
        "other_editor": other_editor,
        "dpo": dpo,
        "council": council_member,
        "admin": administrator,
    }


@pytest.fixture
def charter(db: None) -> CharterVersion:
    """The demo city's charter, in force (version 2, after one amendment)."""
    load_demo_charter()
    version = CharterVersion.objects.in_force()
    assert version is not None
    return version


def _store_files_in(folder: Path) -> list[Callable[[], None]]:
    """Point file storage at ``folder`` (public files in public/, private in private/);
    returns what undoes it.

    The raw uploads' fields looked up their storage once, when the model was imported
    (Django calls a callable ``storage`` when the field is made), so overriding STORAGES
    does not reach them: they get the private storage directly.
    """
    override = override_settings(
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder / "public")},
            },
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder / "private"), "base_url": None},
            },
        }
    )
    override.enable()
    private = FileSystemStorage(location=folder / "private", base_url=None)
    undo: list[Callable[[], None]] = [override.disable]
    for name in ("file", "output"):
        field = RawUpload._meta.get_field(name)
        assert isinstance(field, FileField)
        undo.append(functools.partial(setattr, field, "storage", field.storage))
        field.storage = private
    return undo


@pytest.fixture(scope="session", autouse=True)
def _files_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test writes into the checkout's data/ folder."""
    undo = _store_files_in(tmp_path_factory.mktemp("storage"))
    yield
    for step in reversed(undo):
        step()


# Tables whose triggers refuse DELETE (the append-only audit trail): only TRUNCATE empties them.
_REFUSING_DELETE = """
    SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger
    WHERE NOT tgisinternal AND tgtype & 8 <> 0
"""


def _flush_by_delete(
    ops: DatabaseOperations,
    style: Style,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    """Empty the tables as Django's flush does, with DELETE where PostgreSQL allows it.

    Django empties every table with one TRUNCATE after each test that commits (browser tests,
    the live server). For our hundred tables that costs PostgreSQL about 3 s (new files for
    every table and index), DELETE of the few rows a test leaves some milliseconds. Foreign
    keys are deferred to the end of the transaction, so the order does not matter. The
    tables that refuse DELETE are truncated first, before any check is pending.
    """
    if reset_sequences or not tables:
        return _TRUNCATE_ALL(
            ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    with ops.connection.cursor() as cursor:
        cursor.execute(_REFUSING_DELETE)
        refusing = {name for (name,) in cursor.fetchall()} & set(tables)
    # The names are Django's own tables, quoted.
    deleted = [f"DELETE FROM {ops.quote_name(t)};" for t in tables if t not in refusing]  # noqa: S608
    truncated = _TRUNCATE_ALL(ops, style, sorted(refusing), allow_cascade=True)
    return [*truncated, "SET CONSTRAINTS ALL DEFERRED;", *deleted]


_TRUNCATE_ALL = DatabaseOperations.sql_flush


@pytest.fixture(scope="session", autouse=True)
def _quick_flush() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", _flush_by_delete)
        yield


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Every test starts in the site's language: a request to /en/ in an earlier test leaves
    English active in the thread, which would word a later test's texts in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def temporary_storage(tmp_path: Path) -> Iterator[Path]:
    """A test's own file storage, for tests that look at what was stored where."""
    undo = _store_files_in(tmp_path)
    yield tmp_path
    for step in reversed(undo):
        step()


@pytest.fixture
def run_worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Let the background worker work through its queue once, inside the test's transaction.

    Between tasks the worker closes connections that are not in autocommit mode, as a
    long-running process should; inside a test that would close the test's own transaction
    (on PostgreSQL), so here it does not.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    return run
