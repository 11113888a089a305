"""Voting in a real browser without JavaScript, checked with axe-core (WCAG 2.1 AA) on every
page a voter and the staff see: also those only a form leads to (errors, the receipt, the
receipt check), which a crawl of links never reaches."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from offenestadt.accounts.models import Office, Role, User
from offenestadt.core.tests.browser import axe_source, chromium, describe_violations, run_axe
from offenestadt.registry.channels import Channel
from offenestadt.voting import services
from offenestadt.voting.models import VoteKind
from offenestadt.voting.tests.factories import close, issue_codes, make_vote, option_ids

pytestmark = pytest.mark.browser

PASSWORD = "ein langes Passwort für den Browsertest"


@dataclass(frozen=True)
class Site:
    url: str
    vote: int
    poll: int
    codes: list[str]
    editor: str
    # The authenticator's parameters, so the code is computed without the database.
    totp: tuple[bytes, int, int, int, int]

    def totp_code(self) -> str:
        key, step, t0, digits, drift = self.totp
        return f"{totp(key, step, t0, digits, drift):0{digits}d}"


@pytest.fixture
def axe(pytestconfig: pytest.Config) -> str:
    return axe_source(pytestconfig.rootpath)


@pytest.fixture
def site(live_server: LiveServer, transactional_db: None) -> Site:
    """A running budget vote with codes and a counted poll; all before Chromium starts."""
    office = Office.objects.create(slug="gruen", name="Grünflächenamt")
    editor = User.objects.create_user(
        username="redaktion", password=PASSWORD, role=Role.EDITOR, office=office
    )
    device = TOTPDevice.objects.create(user=editor, name="App", confirmed=True)
    vote = make_vote(office, kind=VoteKind.BUDGET, costs=("5000", "4000", "3500"), budget="9000")
    poll = make_vote(office, slug="umfrage", requires_code=False)
    ids = option_ids(poll)
    for number, label in enumerate(["Stadtpark", "Stadtpark", "Südpark"]):
        services.ballot_cast(vote=poll, choices=[ids[label]], source=str(number))
    services.ballot_cast(vote=poll, choices=[ids["Westpark"]], channel=Channel.POST, actor=editor)
    close(poll)
    # A vote still to come, so its staff may change its answers.
    make_vote(office, slug="spaeter", opened_ago=timedelta(days=-2), published=False)
    return Site(
        url=live_server.url,
        vote=vote.pk,
        poll=poll.pk,
        codes=issue_codes(vote, 2),
        editor=editor.username,
        totp=(device.bin_key, device.step, device.t0, device.digits, device.drift),
    )


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, site: Site) -> Iterator[Browser]:
    # Only while Chromium runs: see offenestadt.core.tests.browser.chromium.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    return context.new_page()


def test_a_voter_votes_checks_the_receipt_and_reads_the_result(
    axe: str, browser: Browser, site: Site
) -> None:
    page = _new_page(browser)
    problems: list[str] = []

    def check(label: str) -> None:
        problems.extend(describe_violations(label, run_axe(page, axe)))

    vote_url = f"{site.url}/abstimmungen/{site.vote}/"
    page.goto(f"{site.url}/abstimmungen/")
    check("list")
    page.goto(vote_url)
    check("vote")

    # Over the budget: the page says so beside the answers, and the code stays unused.
    page.fill("#id_code", site.codes[0])
    page.get_by_label("Stadtpark").check()
    page.get_by_label("Westpark").check()
    page.get_by_label("Südpark").check()
    page.get_by_role("button", name="Stimme abgeben").press("Enter")
    assert "verteilt werden 9.000,00 Euro" in page.inner_text("#ballot-error")
    check("vote with an error")

    page.get_by_label("Südpark").uncheck()
    page.get_by_role("button", name="Stimme abgeben").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ihre Stimme ist abgegeben").is_visible()
    receipt = page.inner_text(".receipt code")
    check("receipt")

    # The same code again.
    page.goto(vote_url)
    page.fill("#id_code", site.codes[0])
    page.get_by_label("Südpark").check()
    page.get_by_role("button", name="Stimme abgeben").click()
    assert "schon abgestimmt" in page.inner_text("#id_code_error")
    check("vote with a used code")

    page.goto(f"{vote_url}beleg/")
    check("receipt check")
    page.fill("#id_receipt", receipt.lower())
    page.get_by_role("button", name="Prüfen").click()
    found = page.inner_text("[role=status]")
    assert "Stadtpark" in found
    assert "Westpark" in found
    assert "Südpark" not in found
    check("receipt found")

    page.goto(f"{vote_url}ergebnis/")
    assert "Ausgezählt wird ab" in page.inner_text("main")
    check("results, not yet")
    page.goto(f"{site.url}/abstimmungen/{site.poll}/ergebnis/")
    assert "4 Stimmzettel wurden abgegeben." in page.inner_text("main")
    check("results")
    page.goto(f"{site.url}/en/abstimmungen/{site.poll}/ergebnis/")
    check("results in English")

    assert not problems, "accessibility violations:\n" + "\n".join(problems)


def test_the_staff_pages(axe: str, browser: Browser, site: Site) -> None:
    page = _new_page(browser)
    problems: list[str] = []

    def check(label: str) -> None:
        problems.extend(describe_violations(label, run_axe(page, axe)))

    page.goto(f"{site.url}/konto/anmelden/?next=/abstimmungen/")
    page.fill("#id_username", site.editor)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/konto/zwei-faktor/**")
    page.fill("#id_token", site.totp_code())
    page.get_by_role("button").filter(has_text="Anmelden").last.click()
    page.wait_for_load_state()
    assert "/konto/" not in page.url, page.url

    page.goto(f"{site.url}/abstimmungen/neu/")
    check("new vote")
    page.get_by_role("button", name="Speichern").click()
    check("new vote with errors")
    page.goto(f"{site.url}/abstimmungen/{site.vote}/")
    check("vote, for staff")
    page.goto(f"{site.url}/abstimmungen/{site.vote}/stimmzettel-eingeben/")
    check("paper ballot")
    page.get_by_label("per Post").check()
    page.fill("#id_code", site.codes[1])
    page.get_by_label("Westpark").check()
    page.get_by_role("button", name="Stimmzettel eingeben").click()
    assert "Der Stimmzettel ist gezählt." in page.inner_text("[role=status]")
    check("paper ballot entered")
    page.goto(f"{site.url}/abstimmungen/")
    page.get_by_role("link", name="Wo sollen die neuen Bäume stehen?").last.click()
    page.get_by_role("link", name="Antwort hinzufügen").click()
    check("new answer")

    assert not problems, "accessibility violations:\n" + "\n".join(problems)
