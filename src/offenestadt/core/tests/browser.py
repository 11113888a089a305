"""Headless Chromium for browser tests: launching it, axe-core, a same-origin crawler and
signing in as staff (password and authenticator code)."""

import os
import shutil
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Self
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, sync_playwright

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# Without these switches Chromium tries to reach Google (updates, sync, QUIC probes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = Path("node_modules/axe-core/axe.min.js")
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Paths a visitor's crawl leaves alone: static files, machine-readable endpoints, the admin
# and the signed-in area. The login pages themselves are checked.
SKIPPED_PREFIXES = ("/static/", "/healthz", "/api/", "/verwaltung/", "/en/verwaltung/")
MACHINE_SUFFIXES = (
    ".atom",
    ".json",
    ".toml",
    ".csv",
    ".pdf",
    ".ttl",
    ".rdf",
    ".jsonld",
    ".ics",
    ".yml",
)
# Downloads of open data files (/daten/<name>/dateien/<id>/): attachments, not pages.
DOWNLOAD_SEGMENT = "/dateien/"
# Links marked rel="nofollow" (the catalogue's facet combinations) are not crawled.
FOLLOWED_LINKS = "a[href]:not([rel~='nofollow'])"
ACCOUNT_PREFIXES = ("/konto/", "/en/konto/")
LOGIN_PATHS = ("/konto/anmelden/", "/en/konto/anmelden/")
# The password the browser tests give the staff they sign in as.
PASSWORD = "ein langes Passwort für den Browsertest"


def missing_requirement(reason: str) -> NoReturn:
    """Skip on a developer's machine, but never in CI: there a missing browser is a failure."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{reason} (CI must run the browser tests)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def axe_source(root: Path) -> str:
    """The axe-core script from npm (`npm ci` installs it into node_modules/)."""
    path = root / AXE_PATH
    if not path.exists():
        missing_requirement(f"{AXE_PATH} is missing: run `npm ci` in the repository root")
    return path.read_text(encoding="utf-8")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless and offline apart from the live server.

    Playwright's sync API runs an event loop in the test's thread, so Django refuses
    synchronous database access meanwhile; callers set DJANGO_ALLOW_ASYNC_UNSAFE for the
    duration of the test (monkeypatch), never for the whole run. Better still, query the
    database before starting Chromium: inside Playwright's greenlet Django opens a second
    connection that is never closed (on PostgreSQL the test database then cannot be dropped).
    """
    executable = chromium_path()
    if executable is None:
        missing_requirement("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def run_axe(page: Page, source: str) -> list[dict[str, Any]]:
    """Inject axe-core and return its WCAG 2.1 A/AA violations for the open page.

    `page.evaluate` goes through the DevTools protocol, which the page's strict
    Content-Security-Policy does not govern, so the policy stays on for the check.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate("options => window.axe.run(document, options)", options)
    violations: list[dict[str, Any]] = results["violations"]
    return violations


# Nothing may stick out past the viewport's right edge: the page would scroll sideways (WCAG
# 1.4.10). Lists what does, but for the insides of tables (they scroll in their own region).
WIDER_THAN_VIEWPORT = r"""() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const sticksOut = element => element.getBoundingClientRect().right > width + 1
    || (element.scrollWidth > element.clientWidth + 1
        && getComputedStyle(element).overflowX === "visible");
  const text = element => element.textContent.replace(/\s+/g, " ").trim().slice(0, 40);
  return [...document.body.querySelectorAll("*")]
    .filter(element => !element.closest(".table-scroll") && sticksOut(element))
    .map(element => `${element.tagName.toLowerCase()}: ${text(element)}`);
}"""
# The words of the page's main headings that a line break splits (a word wider than its line
# breaks between two letters, without a hyphen where the browser has no hyphenation); a
# compound may break after its hyphens ("WLAN-|Standorte").
SPLIT_HEADING_WORDS = r"""() => {
  const split = [];
  for (const heading of document.querySelectorAll("h1")) {
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[^\s-]+-?/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        if (new Set([...range.getClientRects()].map(box => Math.round(box.top))).size > 1) {
          split.push(word[0]);
        }
      }
    }
  }
  return split;
}"""
# Links of the navigation, header and footer, buttons and form controls are touch targets of
# at least 44 by 44 CSS pixels (a check box or radio button through its label, keeping its
# own square: squeezed beside a label that wraps it is hard to see and hit). Lists the
# smaller ones; links within text are exempt (WCAG 2.5.5).
SMALL_TARGETS = r"""() => {
  const targets = "header a, footer a, nav a, button, .button, summary, select, textarea,"
    + " input:not([type=hidden])";
  const small = [];
  for (const element of document.querySelectorAll(targets)) {
    const own = element.getBoundingClientRect();
    if (!own.width || element.closest(".visually-hidden")) continue;
    const squeezed = ["checkbox", "radio"].includes(element.type) && own.width < own.height - 1;
    const boxes = [element, ...(element.labels || [])]
      .map(target => target.getBoundingClientRect());
    if (!squeezed && boxes.some(box => box.width >= 44 && box.height >= 44)) continue;
    const name = (element.textContent || element.name || "").replace(/\s+/g, " ").trim();
    const size = `${Math.round(boxes[0].width)} x ${Math.round(boxes[0].height)}`;
    small.push(`${element.tagName.toLowerCase()} ${size}: ${name.slice(0, 40)}`);
  }
  return small;
}"""


def describe_layout(path: str, page: Page) -> list[str]:
    """What scrolls the open page sideways, and its touch targets under 44 CSS pixels."""
    width = page.evaluate("() => window.innerWidth")
    return [
        *(
            f"{path} ({width} px): sticks out: {element}"
            for element in page.evaluate(WIDER_THAN_VIEWPORT)
        ),
        *(
            f"{path} ({width} px): small target: {target}"
            for target in page.evaluate(SMALL_TARGETS)
        ),
    ]


def describe_violations(path: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{path}: {violation['id']} ({violation['impact']}): {violation['help']}; nodes: "
        + ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
        + f" ({violation['helpUrl']})"
        for violation in violations
    ]


def is_crawlable(path: str, query: str) -> bool:
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(MACHINE_SUFFIXES):
        return False
    if DOWNLOAD_SEGMENT in path:
        return False
    if "format=json" in query:
        return False
    return not path.startswith(ACCOUNT_PREFIXES) or path in LOGIN_PATHS


def crawl(
    page: Page,
    base_url: str,
    start_paths: list[str],
    visit: Callable[[Page, str], None],
    *,
    follow: Callable[[str, str], bool] = is_crawlable,
    kind: Callable[[str], Hashable] | None = None,
    kinds: set[Hashable] | None = None,
    budget: int | None = None,
) -> list[str]:
    """Open every same-origin HTML page reachable through links; call `visit` on each.

    `follow(path, query)` decides which links are followed (the start paths always are).
    With `kind`, a link is followed only to a kind of page (say, the view it leads to) not
    met before: in this crawl, or in `kinds`, which crawls may share (it is updated). With
    `budget`, the crawl stops after that many pages.
    Returns the paths (with query string) in the order they were visited.
    """
    origin = urlsplit(base_url).netloc
    queue = list(start_paths)
    seen = set(queue)
    kinds = set() if kinds is None else kinds
    if kind is not None:
        kinds.update(kind(urlsplit(path).path) for path in queue)
    visited: list[str] = []
    while queue and (budget is None or len(visited) < budget):
        path = queue.pop(0)
        response = page.goto(base_url + path)
        assert response is not None, path
        assert response.ok, f"{path} answered {response.status}"
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        visited.append(path)
        visit(page, path)
        hrefs = page.eval_on_selector_all(FOLLOWED_LINKS, "links => links.map(a => a.href)")
        for href in hrefs:
            url = urlsplit(urldefrag(urljoin(page.url, href)).url)
            if url.scheme not in ("http", "https") or url.netloc != origin:
                continue
            if not follow(url.path, url.query):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target in seen:
                continue
            if kind is not None:
                if (page_kind := kind(url.path)) in kinds:
                    continue
                kinds.add(page_kind)
            seen.add(target)
            queue.append(target)
    return visited


@dataclass(frozen=True)
class Account:
    """Someone of the city's staff: a password and an authenticator app (TOTP).

    The device's parameters are copied before Chromium starts, so the code is computed
    without touching the database.
    """

    username: str
    password: str
    key: bytes
    step: int
    t0: int
    digits: int
    drift: int

    @classmethod
    def with_device(cls, device: TOTPDevice, password: str) -> Self:
        return cls(
            username=device.user.username,
            password=password,
            key=device.bin_key,
            step=device.step,
            t0=device.t0,
            digits=device.digits,
            drift=device.drift,
        )

    def code(self) -> str:
        return f"{totp(self.key, self.step, self.t0, self.digits, self.drift):0{self.digits}d}"


def staff_account(user: "AbstractBaseUser") -> Account:
    """``user`` with the browser tests' password and a confirmed authenticator app; to be
    called before Chromium starts."""
    user.set_password(PASSWORD)
    user.save()
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    return Account.with_device(device, PASSWORD)


def sign_in(page: Page, base_url: str, person: Account, next_path: str = "/") -> None:
    """Password, then the authenticator's code, as staff sign in.

    One code per person and time step: django-otp refuses a code used before, so the same
    person signs in at most once every `step` seconds.
    """
    page.goto(f"{base_url}/konto/anmelden/?next={next_path}")
    page.fill("#id_username", person.username)
    page.fill("#id_password", person.password)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/konto/zwei-faktor/**")
    page.fill("#id_token", person.code())
    page.get_by_role("button").filter(has_text="Anmelden").last.click()
    page.wait_for_load_state()
    assert "/konto/" not in page.url, page.url
