"""German at /, English at /en/: the switch works and the English catalogue is complete."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client, override_settings

import offenestadt

PACKAGE_DIR = Path(offenestadt.__file__).resolve().parent
PO_FILE = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# Strings of the page frame and the home page, German source -> English translation.
FRAME = {
    "Zum Inhalt springen": "Skip to content",
    'aria-label="Hauptnavigation"': 'aria-label="Main navigation"',
    ">Projekte</a>": ">Projects</a>",
    ">Änderungsprotokoll</a>": ">Change log</a>",
    ">Datenschutz</a>": ">Privacy</a>",
    ">Impressum</a>": ">Legal notice</a>",
    "Was Sie hier finden": "What you will find here",
}


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def _translations(entry: polib.POEntry | polib.MOEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "language"), [("/", "de"), ("/en/", "en")])
def test_the_address_decides_the_language(path: str, language: str) -> None:
    # An English browser still gets German at /: the address decides, not the browser.
    response = Client(headers={"accept-language": "en"}).get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for german, english in FRAME.items():
        shown, hidden = (german, english) if language == "de" else (english, german)
        assert shown in html
        assert hidden not in html


def _language_link(html: str, language: str) -> str:
    link = re.search(rf'<a href="([^"]+)" hreflang="{language}"', html)
    assert link, f"no link to the {language} version"
    return link[1]


@pytest.mark.django_db
def test_english_pages_link_to_english_pages() -> None:
    html = Client().get("/en/").content.decode()
    assert 'href="/en/projekte/"' in html
    assert '<a href="/en/" hreflang="en" lang="en" aria-current="page">' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "language", "other_version"),
    [
        ("/projekte/", "en", "/en/projekte/"),
        ("/en/projekte/", "de", "/projekte/"),
        ("/audit/checkpoints", "en", "/en/audit/checkpoints"),
        ("/en/impressum/", "de", "/impressum/"),
    ],
)
def test_each_page_links_to_itself_in_the_other_language(
    page: str, language: str, other_version: str
) -> None:
    client = Client()
    link = _language_link(client.get(page).content.decode(), language)
    assert link == other_version
    assert f'<html lang="{language}">' in client.get(link).content.decode()


@pytest.mark.django_db
def test_reading_and_switching_language_sets_no_cookie() -> None:
    client = Client()
    for path in ("/", "/projekte/", "/en/", "/audit/", "/datenschutz/"):
        response = client.get(path)
        assert not response.cookies, f"{path} set {list(response.cookies)}"


def test_english_catalogue_is_complete_and_compiled() -> None:
    po = polib.pofile(str(PO_FILE))
    mo = polib.mofile(str(MO_FILE))

    assert po.metadata["Language"] == "en"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert not po.metadata_is_fuzzy

    entries = [entry for entry in po if not entry.obsolete]
    assert entries
    fuzzy = [entry.msgid for entry in entries if entry.fuzzy]
    assert not fuzzy, f"fuzzy entries in {PO_FILE.name}: {fuzzy}"
    untranslated = [entry.msgid for entry in entries if not all(_translations(entry))]
    assert not untranslated, f"untranslated entries in {PO_FILE.name}: {untranslated}"

    compiled = {_key(entry): _translations(entry) for entry in mo if entry.msgid}
    stale = [entry.msgid for entry in entries if compiled.get(_key(entry)) != _translations(entry)]
    assert not stale, f"django.mo is out of date, run compilemessages: {stale}"
    leftover = set(compiled) - {_key(entry) for entry in entries}
    assert not leftover, f"django.mo has entries no longer in django.po: {leftover}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_english_catalogue_holds_every_marked_string(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What makemessages would extract today is exactly what django.po holds."""
    source = tmp_path / "offenestadt"
    shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[source / "locale"]):
        call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)

    extracted = {
        _key(entry) for entry in polib.pofile(str(source / PO_FILE.relative_to(PACKAGE_DIR)))
    }
    catalogue = {_key(entry) for entry in polib.pofile(str(PO_FILE)) if not entry.obsolete}
    missing = sorted(msgid for _, msgid in extracted - catalogue)
    assert not missing, f"strings missing from django.po, run makemessages: {missing}"
    gone = sorted(msgid for _, msgid in catalogue - extracted)
    assert not gone, f"django.po has strings no longer in the source, run makemessages: {gone}"
