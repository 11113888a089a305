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


@pytest.mark.django_db
def test_english_pages_link_to_english_pages() -> None:
    html = Client().get("/en/").content.decode()
    # Links stay in English.
    assert 'href="/en/projekte/"' in html
    assert '<option value="en" lang="en" selected>' in html


@pytest.mark.django_db
def test_language_switch_redirects_to_english_page() -> None:
    client = Client()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert client.cookies["django_language"].value == "en"
    english = client.get(response["Location"])
    assert '<html lang="en">' in english.content.decode()


@pytest.mark.django_db
def test_language_switch_from_english_page_back_to_german() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/en/projekte/").content.decode()
    action = re.search(r'<form action="([^"]+)" method="post" class="language-form">', page)
    next_url = re.search(r'<input name="next" type="hidden" value="([^"]+)">', page)
    assert action and next_url
    assert next_url[1] == "/en/projekte/"

    response = client.post(action[1], {"language": "de", "next": next_url[1]})

    assert response.status_code == 302
    assert response["Location"] == "/projekte/"
    german = client.get(response["Location"])
    assert '<html lang="de">' in german.content.decode()


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
