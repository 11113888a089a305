"""`make test-cluster`: several app servers on one PostgreSQL behind nginx, as deploy/ ships it.

On loopback only, in a temporary folder and a database of its own, it starts two app servers
(`offenestadt serve`), one worker and Debian's nginx with deploy/nginx/ rendered for its ports
(TLS with a throw-away certificate, production settings: secure cookies, HSTS, CSRF by origin,
TRUSTED_PROXIES). Then, in stages:

1. across servers: staff sign in on A and go on with the session on B; a rate limit counted on
   A holds on B; a CSV uploaded via A is scanned, anonymized by the worker, approved and
   published, and downloaded via B (media and private files in one shared folder);
2. load: 1,000 ballots with one-time codes and 200 comments from 20 client addresses through
   the proxy, as browsers send them (form, CSRF cookie and token, POST), while app server A is
   killed with SIGKILL midway; ballots whose answer was lost are sent again, as a voter would;
3. checks in the database: every acknowledged ballot and comment is stored, no code counts
   twice, a code sent again is refused, and `offenestadt audit verify` passes.

Before the app servers start, a PostgreSQL streaming replica of the primary is made on
loopback (Debian's pg_createcluster and pg_basebackup, offenestadt.core.tests.replica_cluster)
and the app servers read public pages from it (DATABASE_REPLICA_URL); their /healthz is
sampled throughout for the replica's lag. After the checks:

4. the replica: visitors' pages are served by it while the primary takes writes (its own
   statistics count them); with the replica's replay paused, staff and a visitor who just
   wrote see their writes at once, a visitor who did not write sees the replica's state only
   until it is REPLICA_MAX_LAG_SECONDS behind, then the primary's.

It ends with a table of figures and exits 1 if any check failed. Stages are functions of
`Cluster` in STAGES.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
BALLOTS = 1000
COMMENTERS = 20  # client addresses; each posts CONTRACT_COMMENT_LIMIT (10) comments
COMMENTS_EACH = 10
KILL_AFTER = 0.4  # share of ballots acknowledged when app server A is killed
CLIENT_THREADS = 8
WORKERS, THREADS = 2, 4  # per app server
PASSWORD = "demo-offene-stadt"  # the demo's staff accounts (offenestadt.accounts.demo)
TOTP_KEY = "3132333435363738393031323334353637383930"
TOTP_STEP = 30  # seconds
TOTP_STEPS_USED: dict[str, int] = {}  # username -> the last time step whose code was used
REPLICA_MAX_LAG = 3  # seconds (REPLICA_MAX_LAG_SECONDS of the app servers)
REPLICA_PAGES = 200  # visitors' pages fetched while the primary takes writes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CheckFailedError(Exception):
    pass


@dataclass
class Cluster:
    tmp: Path
    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def app_role(self) -> str:
        """The application's role: what the app servers, the worker and the tasks log in as."""
        return f"{self.database_url.rsplit('/', 1)[1]}_app"

    def check(self, ok: bool, message: str) -> bool:
        print(f"  {'ok ' if ok else 'FAIL'} {message}", flush=True)
        if not ok:
            self.problems.append(message)
        return ok

    def url(self, entry: str = "proxy") -> str:
        """The proxy's address: "proxy" (both app servers), "proxy_a" or "proxy_b" (one)."""
        return f"https://127.0.0.1:{self.ports[entry]}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "offenestadt"), *args],
            env=self.env,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            check=False,
        )

    def start(self, name: str, command: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        # A process group of its own: SIGKILL takes the server's workers down with it.
        self.processes[name] = subprocess.Popen(
            command,
            env=self.env,
            cwd=self.tmp,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        process = self.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
        if sig == signal.SIGKILL:
            process.wait()


# --- HTTP as a browser does it -------------------------------------------------------------


class FromAddress(HTTPAdapter):
    """Connections from one loopback address (127.0.0.0/8 is all ours): one client to nginx."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(pool_connections=4, pool_maxsize=4)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser:
    """A session (cookies) from one client address that sends forms with their CSRF token."""

    def __init__(self, cluster: Cluster, address: str) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy or CA bundle from the environment
        self.session.verify = str(cluster.tmp / "tls" / "cert.pem")
        self.session.mount("https://", FromAddress(address))
        self.session.mount("http://", FromAddress(address))
        self.session.headers["Accept-Language"] = "de"

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.session.get(url, allow_redirects=False, timeout=60, **kwargs)

    def submit(
        self, url: str, data: dict[str, str], *, form_url: str | None = None, **kwargs: Any
    ) -> requests.Response:
        """GET the form (following redirects), then POST it with its token, Origin and
        Referer, as a browser does; to ``url``, or where the form's page was found."""
        page = self.session.get(form_url or url, timeout=60)
        if page.status_code != 200:
            return page
        if form_url is None:
            url = page.url
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise CheckFailedError(f"no CSRF token on {form_url or url}")
        parts = urlsplit(url)
        return self.session.post(
            url,
            data={"csrfmiddlewaretoken": token[1], **data},
            headers={"Origin": f"{parts.scheme}://{parts.netloc}", "Referer": page.url},
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )

    def sign_in(self, base: str, username: str) -> None:
        """Password, then the authenticator's code. A code counts once: who signed in during
        this time step (30 s) waits for the next one, as a person would."""
        from django_otp.oath import hotp

        answer = self.submit(
            f"{base}/konto/anmelden/", {"username": username, "password": PASSWORD}
        )
        if answer.status_code != 302:
            raise CheckFailedError(f"{username}: password step answered {answer.status_code}")
        second = f"{base}{answer.headers['Location']}"
        step = int(time.time()) // TOTP_STEP
        if TOTP_STEPS_USED.get(username, -1) >= step:
            step += 1
            time.sleep(step * TOTP_STEP - time.time() + 0.1)
        TOTP_STEPS_USED[username] = step
        code = f"{hotp(bytes.fromhex(TOTP_KEY), step):06d}"
        answer = self.submit(second, {"token": code})
        if answer.status_code != 302 or "/konto/" in answer.headers["Location"]:
            where = answer.headers.get("Location")
            raise CheckFailedError(f"{username}: TOTP step answered {answer.status_code} {where}")


# --- stages --------------------------------------------------------------------------------


def prepare(cluster: Cluster) -> None:
    """Database and application role, settings, migrations, static files, the demo city
    and voting codes."""
    import psycopg

    server, name = cluster.database_url.rsplit("/", 1)
    password = secrets.token_hex(16)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        connection.execute(f"CREATE ROLE {cluster.app_role} LOGIN PASSWORD '{password}'")
    for entry in ("a", "b", "proxy", "proxy_a", "proxy_b", "http"):
        cluster.ports[entry] = free_port()
    shared = cluster.tmp / "shared"  # what a city mounts on every app server (NFS) or S3
    origins = [cluster.url(entry) for entry in ("proxy", "proxy_a", "proxy_b")]
    cluster.env = {
        "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(cluster.tmp),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "offenestadt.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": cluster.database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": ",".join(origins),
        "SITE_URL": origins[0],
        "SECURE_HTTPS": "true",
        "SECURE_PROXY_SSL_HEADER": "true",
        "TRUSTED_PROXIES": "127.0.0.1",
        "OFFENESTADT_DATA_DIR": str(shared),
        "MEDIA_ROOT": str(shared / "media"),
        "STATIC_ROOT": str(cluster.tmp / "static"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "9",  # nothing mails in this run; a mail would fail loudly
        "LOG_LEVEL": "WARNING",
    }
    # As the owner (here: DATABASE_URL's user); then everything runs as the application's
    # role, which cannot rewrite the audit trail (README, Production deployment, step 4).
    for step in (
        ["migrate", "-v0"],
        ["manage", "grant_app_role", cluster.app_role],
        ["collectstatic", "-v0"],
    ):
        done = cluster.run(*step)
        if done.returncode != 0:
            raise CheckFailedError(f"offenestadt {' '.join(step)}: {done.stderr[-2000:]}")
    owner = urlsplit(cluster.database_url)
    address = f"{cluster.app_role}:{password}@{owner.hostname}:{owner.port or 5432}"
    cluster.env["DATABASE_URL"] = owner._replace(netloc=address).geturl()
    os.environ.update(cluster.env)
    import django

    django.setup()
    from django.db import connections
    from django.utils import timezone

    from offenestadt.contracts.models import Contract, ContractStatus
    from offenestadt.core.demo_loader import load_demo_content
    from offenestadt.opendata.models import Dataset
    from offenestadt.voting.models import Ballot, Vote
    from offenestadt.voting.services import codes_issue

    load_demo_content()
    vote = next(v for v in Vote.objects.filter(requires_code=True) if v.is_open(timezone.now()))
    _, codes = codes_issue(vote=vote, count=BALLOTS, note="make test-cluster")
    contract = Contract.objects.published().exclude(status=ContractStatus.ENDED).first()
    if contract is None:
        raise CheckFailedError("the demo has no published contract to comment on")
    # A published dataset of the office the demo's editor "redaktion" works for.
    dataset = Dataset.objects.filter(
        publisher__slug="digitalisierung", published_at__isnull=False
    ).first()
    if dataset is None:
        raise CheckFailedError("the demo has no published dataset of the editor's office")
    cluster.data |= {
        "vote": vote,
        "codes": codes,
        "option": vote.options.first().pk,  # type: ignore[union-attr]
        "ballots_before": Ballot.objects.filter(vote=vote).count(),
        "contract": contract,
        "dataset": dataset,
    }
    connections.close_all()


def start_app_servers(cluster: Cluster) -> None:
    """Two app servers and one worker, each a process group of its own."""
    for name in ("a", "b"):
        cluster.start(name, app_server_command(cluster, name))
    cluster.start("worker", worker_command())
    deadline = time.monotonic() + 60
    for name in ("a", "b"):
        while True:
            if cluster.processes[name].poll() is not None:
                raise CheckFailedError(f"app server {name} exited at start")
            try:
                health = requests.get(f"http://127.0.0.1:{cluster.ports[name]}/healthz", timeout=20)
                if health.status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise CheckFailedError(f"app server {name} did not answer /healthz in 60 s")
            time.sleep(0.2)


def app_server_command(cluster: Cluster, name: str) -> list[str]:
    return [
        str(BIN / "offenestadt"),
        *("serve", "--host", "127.0.0.1", "--port", str(cluster.ports[name])),
        *("--workers", str(WORKERS), "--threads", str(THREADS)),
    ]


def worker_command() -> list[str]:
    return [str(BIN / "offenestadt"), "worker", "--no-startup-delay"]


def render_nginx(cluster: Cluster) -> Path:
    """deploy/nginx/ with this run's ports, certificate and folders, and one entry point per
    app server beside the shared one (so a stage can say which server it talks to)."""
    conf = cluster.tmp / "nginx"
    (conf / "snippets").mkdir(parents=True)
    for sub in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (conf / sub).mkdir()
    site = (DEPLOY / "nginx" / "offenestadt.conf").read_text()
    snippet = (DEPLOY / "nginx" / "offenestadt-proxy.conf").read_text()

    def replace(pattern: str, new: str | Callable[[re.Match[str]], str], text: str) -> str:
        result, count = re.subn(pattern, new, text, flags=re.MULTILINE)
        if count == 0:
            raise CheckFailedError(f"deploy/nginx/offenestadt.conf no longer has {pattern!r}")
        return result

    upstream = re.search(r"^upstream offenestadt \{\n(.*?)^\}\n", site, re.MULTILINE | re.DOTALL)
    if upstream is None:
        raise CheckFailedError("deploy/nginx/offenestadt.conf has no upstream offenestadt")
    server_line = re.search(r"^    server 127\.0\.0\.1:\d+(.*)$", upstream[1], re.MULTILINE)
    assert server_line is not None
    keep = re.sub(r"^    server .*\n", "", upstream[1], flags=re.MULTILINE)

    def upstream_block(name: str, servers: list[str]) -> str:
        lines = "".join(
            f"    server 127.0.0.1:{cluster.ports[s]}{server_line[1]}\n" for s in servers
        )
        return f"upstream {name} {{\n{lines}{keep}}}\n"

    blocks = upstream_block("offenestadt", ["a", "b"])
    blocks += upstream_block("offenestadt_a", ["a"]) + upstream_block("offenestadt_b", ["b"])
    site = site.replace(upstream[0], blocks)
    site = replace(r"/var/cache/nginx/offenestadt", str(conf / "cache"), site)
    site = replace(r"^\s*listen \[::\].*\n", "", site)
    site = replace(r"listen 80;", f"listen 127.0.0.1:{cluster.ports['http']};", site)
    site = replace(r"ssl_certificate (\S+);", f"ssl_certificate {cluster.tmp}/tls/cert.pem;", site)
    site = replace(
        r"ssl_certificate_key \S+;", f"ssl_certificate_key {cluster.tmp}/tls/key.pem;", site
    )
    tls = re.search(r"^server \{\n    listen 443 .*?^\}\n", site, re.MULTILINE | re.DOTALL)
    if tls is None:
        raise CheckFailedError("deploy/nginx/offenestadt.conf has no TLS server on 443")
    servers = ""
    for entry, upstream_name in (
        ("proxy", "offenestadt"),
        ("proxy_a", "offenestadt_a"),
        ("proxy_b", "offenestadt_b"),
    ):
        block = tls[0].replace("listen 443 ", f"listen 127.0.0.1:{cluster.ports[entry]} ")
        block = block.replace("snippets/offenestadt-proxy.conf", f"snippets/{entry}.conf")
        servers += block
        (conf / "snippets" / f"{entry}.conf").write_text(
            replace(r"http://offenestadt;", f"http://{upstream_name};", snippet)
        )
    site = site.replace(tls[0], servers)
    (conf / "offenestadt.conf").write_text(site)
    user = f"user {os.environ.get('USER', 'root')};\n" if os.geteuid() == 0 else ""
    temp = "".join(f"    {sub}_temp_path {conf / sub};\n" for sub in ("fastcgi", "uwsgi", "scgi"))
    (conf / "nginx.conf").write_text(
        f"""{user}daemon off;
worker_processes 2;
pid {conf}/nginx.pid;
error_log {conf}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format cluster '$remote_addr|$status|$request_method|$uri|$upstream_addr|$upstream_status';
    access_log {conf}/access.log cluster;
    client_body_temp_path {conf / "body"};
    proxy_temp_path {conf / "proxy"};
{temp}    include offenestadt.conf;
}}
"""
    )
    return conf


def start_proxy(cluster: Cluster) -> None:
    """nginx (Debian's) in front of both app servers, on loopback ports, TLS included."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise CheckFailedError("nginx is not installed (apt-get install nginx-light)")
    tls = cluster.tmp / "tls"
    tls.mkdir()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
            *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(tls / "key.pem"), "-out", str(tls / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    conf = render_nginx(cluster)
    command = [
        nginx,
        "-p",
        str(conf),
        "-c",
        str(conf / "nginx.conf"),
        "-e",
        str(conf / "error.log"),
    ]
    tested = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    if tested.returncode != 0:
        raise CheckFailedError(f"nginx -t: {tested.stderr}")
    cluster.start("nginx", command)
    deadline = time.monotonic() + 20
    while True:
        try:
            if Browser(cluster, "127.0.0.1").get(f"{cluster.url()}/healthz").ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or cluster.processes["nginx"].poll() is not None:
            raise CheckFailedError("nginx did not answer in 20 s")
        time.sleep(0.2)


def across_servers(cluster: Cluster) -> None:
    """Sessions, rate limits, uploads and the worker across both app servers."""
    from offenestadt.opendata.tests.pipeline_support import patients_csv, read_csv

    a, b = cluster.url("proxy_a"), cluster.url("proxy_b")
    dataset = cluster.data["dataset"]

    # Plain HTTP is sent to HTTPS; behind the proxy the app knows it is HTTPS (HSTS).
    visitor = Browser(cluster, "127.0.3.1")
    plain = visitor.get(f"http://127.0.0.1:{cluster.ports['http']}/konto/anmelden/")
    cluster.check(
        plain.status_code == 301 and plain.headers["Location"].startswith("https://"),
        "the proxy sends plain HTTP to HTTPS",
    )
    answer = visitor.get(f"{a}/konto/anmelden/")
    cluster.check(
        "Strict-Transport-Security" in answer.headers
        and "Secure" in answer.headers.get("Set-Cookie", ""),
        "behind the proxy the app serves HTTPS: HSTS and secure cookies",
    )
    too_large = 56 * 1024 * 1024  # over UPLOAD_MAX_BYTES (50 MB) and the proxy's 55 MB
    cluster.check(
        status_for_body_of(cluster, too_large) == 413,
        "the proxy refuses a body over its limit (413) before reading it",
    )
    # Static files come from the app once, then from the proxy's cache.
    home = visitor.get(f"{a}/").text
    static = re.search(r'href="(/static/[^"]+\.css)"', home)
    assert static is not None
    first, second = (visitor.get(f"{cluster.url()}{static[1]}") for _ in range(2))
    cluster.check(
        (first.status_code, second.headers.get("X-Cache-Status")) == (200, "HIT"),
        "a static file is cached by the proxy after the first request",
    )

    page = f"{b}/daten/{dataset.name}/"
    links = re.compile(r'href="(/daten/[^"]+/dateien/[^"]+)"[^>]*>[^<]*herunterladen')
    offered_before = set(links.findall(visitor.get(page).text))

    # Staff sign in on A (password and TOTP), and work on with that session on B.
    editor = Browser(cluster, "127.0.3.2")
    editor.sign_in(a, "redaktion")
    raw = patients_csv()
    uploaded = editor.submit(
        f"{a}/rohdaten/neu/",
        {"dataset": str(dataset.pk)},
        form_url=f"{a}/rohdaten/neu/?datensatz={dataset.name}",
        files={"file": ("patienten.csv", raw, "text/csv")},
    )
    cluster.check(uploaded.status_code == 302, "the editor uploads raw data via A")
    detail = uploaded.headers["Location"]
    scan = editor.get(f"{b}{detail}")
    cluster.check(
        scan.status_code == 200 and "Personenname" in scan.text,
        "the session from A works on B: the scan of the upload is shown there",
    )
    model = {"k": "5", "l_diversity": "2", "suppression": "2"}
    roles = ["identifier", "identifier", "quasi", "quasi", "sensitive"]
    generalisations = ["mask", "mask", "intervals", "postcode", "mask"]
    for i, (role, generalisation) in enumerate(zip(roles, generalisations, strict=True)):
        model |= {f"role_{i}": role, f"generalisation_{i}": generalisation}
    started = editor.submit(f"{b}{detail}modell/", model, form_url=f"{b}{detail}")
    cluster.check(started.status_code == 302, "the editor starts the anonymization via B")

    worker_started = time.monotonic()
    result = wait_for(lambda: "Ergebnis der Anonymisierung" in editor.get(f"{a}{detail}").text)
    cluster.figures["anonymization by the worker (s)"] = round(time.monotonic() - worker_started, 1)
    cluster.check(result, "the worker anonymizes the upload (result seen via A)")

    health = visitor.get(f"{b}/healthz?strict").json()
    cluster.check(
        health.get("worker", {}).get("state") == "ok",
        "/healthz?strict via B reports the worker alive",
    )

    dpo = Browser(cluster, "127.0.3.3")
    dpo.sign_in(b, "datenschutz")
    approved = dpo.submit(
        f"{b}{detail}pruefung/",
        {"decision": "approve", "comment": "Geprüft im Clustertest."},
        form_url=f"{b}{detail}",
    )
    cluster.check(approved.status_code == 302, "the DPO, signed in on B, approves")
    publish = f"{a}{detail}veroeffentlichen/"
    asked = editor.submit(publish, {}, form_url=f"{a}{detail}")
    cluster.check(
        asked.status_code == 200 and 'name="bestaetigt" value="1"' in asked.text,
        "publishing via A asks once more before the file is added",
    )
    published = editor.submit(publish, {"bestaetigt": "1"}, form_url=f"{a}{detail}")
    cluster.check(published.status_code == 302, "the editor confirms and publishes via A")

    new: list[str] = []

    def offered() -> bool:
        new[:] = sorted(set(links.findall(visitor.get(page).text)) - offered_before)
        return bool(new)

    downloadable = wait_for(offered)
    cluster.check(downloadable, "the published file, checked by the worker, is offered on B")
    if downloadable:
        download = visitor.get(f"{b}{html.unescape(new[0])}")
        rows = read_csv(download.content) if download.status_code == 200 else []
        cluster.check(
            len(rows) == 200
            and set(rows[0]) == {"alter", "plz", "diagnose"}
            and b"@" not in download.content,
            "an anonymous visitor downloads the anonymized file via B (200 rows, no names)",
        )
    cluster.check(
        visitor.get(f"{b}{detail}").status_code == 404, "the raw upload is at no public address"
    )

    # A rate limit counted on A holds on B: the counters live in the shared database.
    commenter = Browser(cluster, "127.0.3.4")
    contract = cluster.data["contract"]
    path = f"/vertraege/{contract.pk}/kommentieren/"
    answers = [
        commenter.submit(f"{a}{path}", {"pseudonym": "A", "text": f"Grenze {n}"}).status_code
        for n in range(COMMENTS_EACH)
    ]
    over = commenter.submit(f"{b}{path}", {"pseudonym": "A", "text": "eine zu viel"})
    cluster.check(
        answers == [302] * COMMENTS_EACH and over.status_code == 429,
        f"{COMMENTS_EACH} comments via A, the next one via B is refused (429)",
    )
    cluster.data["comments_before_load"] = COMMENTS_EACH


def status_for_body_of(cluster: Cluster, size: int) -> int:
    """The proxy's answer to an upload announcing ``size`` bytes, before any is sent."""
    context = ssl.create_default_context(cafile=str(cluster.tmp / "tls" / "cert.pem"))
    address = ("127.0.0.1", cluster.ports["proxy"])
    with (
        socket.create_connection(address, timeout=30) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(
            b"POST /rohdaten/neu/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
        )
        return int(tls.recv(100).split(b" ")[1])


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@dataclass
class Outcome:
    """What the clients saw."""

    receipts: dict[str, str] = field(default_factory=dict)  # code -> receipt (acknowledged)
    lost: list[str] = field(default_factory=list)  # codes without an answer from the app
    ballot_statuses: Counter[int] = field(default_factory=Counter)
    comments_acknowledged: list[str] = field(default_factory=list)
    comments_lost: list[str] = field(default_factory=list)
    comment_statuses: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


RECEIPT = re.compile(r'<p class="receipt"><code>([^<]+)</code>')


def cast(browser: Browser, url: str, code: str, option: int) -> tuple[int, str | None]:
    try:
        answer = browser.submit(url, {"code": code, "choices": str(option)})
    except requests.RequestException as error:
        print(f"  no answer from the proxy: {error!r}"[:300], flush=True)
        return 0, None
    receipt = RECEIPT.search(answer.text) if answer.status_code == 200 else None
    return answer.status_code, receipt[1] if receipt else None


def _comment(cluster: Cluster, outcome: Outcome, comment_url: str, index: int) -> None:
    """One commenter's comments on the contract, each counted by the answer it got."""
    address = f"127.0.2.{index + 1}"
    browser = Browser(cluster, address)
    for n in range(COMMENTS_EACH):
        text = f"Kommentar {n + 1} von {address} im Clustertest"
        try:
            status = browser.submit(comment_url, {"pseudonym": f"P{index}", "text": text})
            code = status.status_code
        except requests.RequestException as error:
            print(f"  no answer from the proxy: {error!r}"[:300], flush=True)
            code = 0
        with outcome.lock:
            outcome.comment_statuses[code] += 1
            if code == 302:
                outcome.comments_acknowledged.append(text)
            elif code in {0, 502, 503, 504}:
                outcome.comments_lost.append(text)


def _retry_lost(browser: Browser, outcome: Outcome, vote_url: str, option: int) -> Counter[str]:
    """Send each code whose answer was lost again; count what the cluster says to each."""
    retried: Counter[str] = Counter()
    for code in outcome.lost:
        status, receipt = cast(browser, vote_url, code, option)
        if receipt is not None:
            outcome.receipts[code] = receipt
            retried["stored now"] += 1
        elif status == 409:
            retried["stored before (409)"] += 1
        else:
            retried[f"answered {status}"] += 1
    return retried


def load(cluster: Cluster) -> None:
    """Ballots and comments through the proxy; app server A is killed with SIGKILL midway."""
    vote, codes, option = cluster.data["vote"], cluster.data["codes"], cluster.data["option"]
    contract = cluster.data["contract"]
    vote_url = f"{cluster.url()}{vote.get_absolute_url()}"
    comment_url = f"{cluster.url()}/vertraege/{contract.pk}/kommentieren/"
    outcome = Outcome()
    cluster.data["outcome"] = outcome
    killed = threading.Event()
    kill_at = int(BALLOTS * KILL_AFTER)

    def voters(index: int) -> None:
        browser = Browser(cluster, f"127.0.1.{index + 1}")
        for code in codes[index::CLIENT_THREADS]:
            status, receipt = cast(browser, vote_url, code, option)
            with outcome.lock:
                outcome.ballot_statuses[status] += 1
                if receipt is not None:
                    outcome.receipts[code] = receipt
                elif status in {0, 502, 503, 504}:
                    outcome.lost.append(code)
                if len(outcome.receipts) >= kill_at and not killed.is_set():
                    killed.set()
                    cluster.kill("a")
                    cluster.figures["app server A killed after (s)"] = round(
                        time.monotonic() - started, 1
                    )

    def commenters(half: int) -> None:
        for index in range(half, COMMENTERS, 2):
            _comment(cluster, outcome, comment_url, index)

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENT_THREADS + 2) as pool:
        jobs = [pool.submit(voters, i) for i in range(CLIENT_THREADS)]
        jobs += [pool.submit(commenters, half) for half in (0, 1)]
        for job in jobs:
            job.result()
    cluster.figures["load through the proxy (s)"] = round(time.monotonic() - started, 1)
    cluster.check(killed.is_set(), "app server A was killed with SIGKILL during the load")

    cluster.data["acknowledged_at_first"] = len(outcome.receipts)
    # Voters whose answer was lost try again with their code, as they would.
    browser = Browser(cluster, "127.0.1.200")
    retried = _retry_lost(browser, outcome, vote_url, option)
    cluster.data["retried"] = retried
    # A code sent again after its ballot was acknowledged is refused.
    again = [cast(browser, vote_url, code, option)[0] for code in list(outcome.receipts)[:20]]
    cluster.check(again == [409] * len(again), "20 codes sent again are refused (409)")
    cluster.figures["codes sent again, refused"] = f"{again.count(409)} of {len(again)}"


def verify(cluster: Cluster) -> None:
    """What the clients were told against what the database holds."""
    from django.db import connections

    from offenestadt.contracts.models import ContractComment
    from offenestadt.registry.channels import Channel
    from offenestadt.voting.models import Ballot, VotingCode
    from offenestadt.voting.services import code_hash, receipt_hash

    outcome: Outcome = cluster.data["outcome"]
    vote = cluster.data["vote"]
    receipts = outcome.receipts
    stored_receipts = set(
        Ballot.objects.filter(vote=vote, channel=Channel.ONLINE).values_list(
            "receipt_hash", flat=True
        )
    )
    new_ballots = Ballot.objects.filter(vote=vote).count() - cluster.data["ballots_before"]
    hashes = {code_hash(vote=vote, code=code): code for code in cluster.data["codes"]}
    used = set(
        VotingCode.objects.filter(vote=vote, used=True, code_hash__in=hashes).values_list(
            "code_hash", flat=True
        )
    )
    acknowledged_stored = sum(receipt_hash(r) in stored_receipts for r in receipts.values())
    codes_used_acknowledged = sum(code_hash(vote=vote, code=c) in used for c in receipts)
    retried = cluster.data["retried"]
    lost_stored = retried["stored before (409)"]
    f = cluster.figures
    f["ballots sent"] = BALLOTS
    f["ballots acknowledged 2xx (with receipt)"] = cluster.data["acknowledged_at_first"]
    f["ballot answers lost to the killed server"] = len(outcome.lost)
    f["  of these stored before the kill (409 again)"] = lost_stored
    f["  of these stored when sent again (200)"] = retried["stored now"]
    f["ballots stored"] = new_ballots
    f["codes used"] = len(used)
    f["codes used twice"] = new_ballots - len(used)
    f["ballot answers by status"] = dict(sorted(outcome.ballot_statuses.items()))
    cluster.check(acknowledged_stored == len(receipts), "every acknowledged ballot is stored")
    cluster.check(codes_used_acknowledged == len(receipts), "every acknowledged code is used")
    cluster.check(new_ballots == len(used), "as many ballots as used codes: no code counted twice")
    cluster.check(
        new_ballots == len(receipts) + lost_stored,
        "ballots stored = acknowledged + stored without an answer",
    )
    cluster.check(len(receipts) + lost_stored == BALLOTS, "every voter's ballot is in the box")

    texts = Counter(
        ContractComment.objects.filter(text__endswith="im Clustertest").values_list(
            "text", flat=True
        )
    )
    sent = COMMENTERS * COMMENTS_EACH
    f["comments sent"] = sent
    f["comments acknowledged 302"] = len(outcome.comments_acknowledged)
    f["comments stored"] = sum(texts.values())
    f["comment answers lost to the killed server"] = len(outcome.comments_lost)
    f["  of these stored before the kill"] = sum(texts[t] for t in outcome.comments_lost)
    f["comment answers by status"] = dict(sorted(outcome.comment_statuses.items()))
    cluster.check(
        all(texts[t] == 1 for t in outcome.comments_acknowledged),
        "every acknowledged comment is stored once",
    )
    cluster.check(
        outcome.comment_statuses[429] == 0,
        f"{COMMENTERS} clients behind the proxy get {COMMENTS_EACH} comments each (no 429)",
    )
    connections.close_all()

    verified = cluster.run("audit", "verify")
    f["audit verify"] = (verified.stdout.strip() or verified.stderr.strip()).splitlines()[-1:]
    cluster.check(verified.returncode == 0, "offenestadt audit verify passes")


def access_log(cluster: Cluster) -> None:
    """How nginx spread the requests (from its access log)."""
    upstreams: Counter[str] = Counter()
    ports = {f"127.0.0.1:{cluster.ports[s]}": s.upper() for s in ("a", "b")}
    for line in (cluster.tmp / "nginx" / "access.log").read_text().splitlines():
        _, status, _, _, upstream, _ = line.split("|")
        name = " then ".join(ports.get(u.strip(), u.strip()) for u in upstream.split(","))
        upstreams[f"{name}: {status}" if status.startswith("5") else name] += 1
    cluster.figures["proxy: requests by app server"] = dict(upstreams.most_common())


def start_replica(cluster: Cluster) -> None:
    """A streaming replica of the primary on loopback, for the app servers' public reads."""
    from offenestadt.core.tests import replica_cluster

    parts = urlsplit(cluster.database_url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        raise CheckFailedError("the replica is made beside a primary on 127.0.0.1")
    primary_port = parts.port or 5432
    reason = replica_cluster.missing_requirement(primary_port)
    if reason is not None:
        raise CheckFailedError(f"no streaming replica: {reason}")
    begun = time.monotonic()
    cluster.data["replica_primary_port"] = primary_port  # from here on, stop() drops it
    made = replica_cluster.start(primary_port)
    cluster.data["replica"] = made
    cluster.figures["replica: made and streaming (s)"] = round(time.monotonic() - begun, 1)
    database = parts.path.lstrip("/")
    # The app servers' own role and password: roles and grants replicate with the cluster.
    app = urlsplit(cluster.env["DATABASE_URL"])
    login = f"{app.username}:{app.password}@127.0.0.1:{made.port}"
    cluster.env["DATABASE_REPLICA_URL"] = app._replace(netloc=login).geturl()
    cluster.env["REPLICA_MAX_LAG_SECONDS"] = str(REPLICA_MAX_LAG)
    cluster.data["replica_commits"] = replica_cluster.commits(made, database)
    sampler = LagSampler(cluster)
    cluster.data["lag_sampler"] = sampler
    sampler.start()


class LagSampler(threading.Thread):
    """Asks both app servers' /healthz twice a second what they find of the replica."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.stopped = threading.Event()
        self.lags: list[float] = []
        self.states: Counter[str] = Counter()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for name in ("a", "b"):
                if name not in self.cluster.ports or name not in self.cluster.processes:
                    continue
                try:
                    health = requests.get(
                        f"http://127.0.0.1:{self.cluster.ports[name]}/healthz", timeout=5
                    ).json()
                except (requests.RequestException, ValueError):
                    continue  # not started yet, or killed by the load stage
                state = health.get("replica") or {}
                self.states[str(state.get("state"))] += 1
                if state.get("lag_seconds") is not None:
                    self.lags.append(float(state["lag_seconds"]))


def replica_reads(cluster: Cluster) -> None:
    """Public pages from the replica; nobody sees a state older than the lag setting allows."""
    from django.db import connections

    from offenestadt.accounts.models import Office
    from offenestadt.core.tests import replica_cluster

    made = cluster.data["replica"]
    database = urlsplit(cluster.database_url).path.lstrip("/")
    base = cluster.url("proxy_b")  # app server A was killed by the load stage
    f = cluster.figures
    f["replica: transactions it served during the stages before"] = (
        replica_cluster.commits(made, database) - cluster.data["replica_commits"]
    )

    # Visitors' pages while the primary takes writes.
    stop, written = threading.Event(), [0]

    def write() -> None:
        try:
            while not stop.is_set():
                Office.objects.create(slug=f"replika-{written[0]}", name=f"Amt {written[0]}")
                written[0] += 1
        finally:
            connections.close_all()

    paths = ["/", "/projekte/", "/vertraege/", "/charta/", "/api/v1/projects"]
    commits_before = replica_cluster.commits(made, database)
    writer = threading.Thread(target=write)
    writer.start()
    try:
        visitors = [Browser(cluster, f"127.0.4.{n}") for n in range(1, 5)]
        with ThreadPoolExecutor(len(visitors)) as pool:
            statuses = Counter(
                pool.map(
                    lambda n: visitors[n % 4].get(f"{base}{paths[n % len(paths)]}").status_code,
                    range(REPLICA_PAGES),
                )
            )
    finally:
        stop.set()
        writer.join()
    served: list[int] = [0]

    def counted() -> bool:
        # A server process reports its statistics when idle for a while (at most 10 s).
        served[0] = replica_cluster.commits(made, database) - commits_before
        return served[0] >= statuses[200]

    wait_for(counted, seconds=20)
    f["replica: visitors' pages while the primary wrote"] = dict(statuses)
    f["replica: writes on the primary meanwhile"] = written[0]
    f["replica: transactions it served for those pages"] = served[0]
    cluster.check(statuses == Counter({200: REPLICA_PAGES}), f"{REPLICA_PAGES} pages answer 200")
    cluster.check(served[0] >= statuses[200], "the replica served them (its statistics)")

    # With replay paused the replica falls behind on purpose.
    contract = cluster.data["contract"]
    page = f"{base}/vertraege/{contract.pk}/"
    editor, writer_visitor, other = (Browser(cluster, f"127.0.4.{n}") for n in (10, 11, 12))
    editor.sign_in(base, "redaktion")
    sampler: LagSampler = cluster.data["lag_sampler"]
    lags = sorted(sampler.lags)
    if lags:
        f["replica: lag seen by /healthz until here, median / max (s)"] = (
            f"{lags[len(lags) // 2]:.3f} / {lags[-1]:.3f} ({len(lags)} samples)"
        )
    with replica_cluster.replay_paused(made):
        paused = time.monotonic()
        vendor = editor.submit(
            f"{base}/vertraege/auftragnehmer/neu/", {"legal_name": "Replika GmbH", "country": "DE"}
        )
        staff_sees = "Replika GmbH" in editor.get(f"{base}/vertraege/neu/").text
        cluster.check(
            vendor.status_code == 302 and staff_sees,
            "staff see their write on the next page (the replica has not got it)",
        )
        text = "Gelesen vom Primärserver im Clustertest"
        posted = writer_visitor.submit(f"{page}kommentieren/", {"pseudonym": "R", "text": text})
        cluster.check(
            posted.status_code == 302 and text in writer_visitor.get(page).text,
            "a visitor sees their comment on the next page (the replica has not got it)",
        )
        early = text in other.get(page).text
        early_age = time.monotonic() - paused
        time.sleep(REPLICA_MAX_LAG + 2.5)
        late = text in other.get(page).text
        health = requests.get(f"http://127.0.0.1:{cluster.ports['b']}/healthz", timeout=10)
        f["replica: another visitor sees the comment"] = (
            f"{'yes' if early else 'not yet'} after {early_age:.1f} s (replica), "
            f"{'yes' if late else 'no'} after {REPLICA_MAX_LAG + 2.5 + early_age:.1f} s"
        )
        cluster.check(
            late, f"past {REPLICA_MAX_LAG} s behind, the replica is not read: the comment shows"
        )
        cluster.check(
            health.json().get("replica", {}).get("state") == "behind",
            "/healthz reports the paused replica as behind",
        )
    caught_up = wait_for(
        lambda: (
            requests.get(f"http://127.0.0.1:{cluster.ports['b']}/healthz", timeout=10)
            .json()
            .get("replica", {})
            .get("state")
            == "current"
        ),
        seconds=30,
    )
    cluster.check(caught_up, "after replay resumes the replica is current again")
    sampler.stopped.set()
    sampler.join()
    f["replica: largest lag seen by /healthz with replay paused (s)"] = max(sampler.lags, default=0)
    f["replica: states seen by /healthz"] = dict(sampler.states)


STAGES: list[Callable[[Cluster], None]] = [
    prepare,
    start_replica,
    start_app_servers,
    start_proxy,
    across_servers,
    load,
    verify,
    replica_reads,
    access_log,
]


def stop(cluster: Cluster) -> None:
    if "lag_sampler" in cluster.data:
        cluster.data["lag_sampler"].stopped.set()
    for name in reversed(list(cluster.processes)):
        process = cluster.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for name, process in cluster.processes.items():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            print(f"  {name} did not stop on SIGTERM in 10 s", flush=True)
    if "replica_primary_port" in cluster.data:
        from offenestadt.core.tests import replica_cluster

        replica_cluster.stop(cluster.data["replica_primary_port"])


def drop_database(cluster: Cluster) -> None:
    import psycopg

    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110 - Django was perhaps never set up
        pass
    server, name = cluster.database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f"DROP ROLE IF EXISTS {cluster.app_role}")


def print_figures(cluster: Cluster) -> None:
    rows = [*cluster.figures.items(), *((f"time: {k} (s)", v) for k, v in cluster.timings.items())]
    width = max(len(name) for name, _ in rows)
    print("\nmake test-cluster: figures")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def main() -> int:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/offenestadt")
    if not base.startswith("postgres"):
        print("make test-cluster needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    server = base.rsplit("/", 1)[0]
    tmp = Path(tempfile.mkdtemp(prefix="offenestadt-cluster-"))
    cluster = Cluster(tmp=tmp, database_url=f"{server}/offenestadt_cluster_{os.getpid()}")
    started = time.monotonic()
    failed = False
    try:
        for stage in STAGES:
            print(f"== {stage.__name__}: {(stage.__doc__ or '').splitlines()[0]}", flush=True)
            begun = time.monotonic()
            stage(cluster)
            cluster.timings[stage.__name__] = round(time.monotonic() - begun, 1)
    except CheckFailedError as error:
        cluster.problems.append(str(error))
        print(f"  FAIL {error}", flush=True)
    except Exception:
        cluster.problems.append("an error stopped the run")
        traceback.print_exc()
    finally:
        stop(cluster)
        drop_database(cluster)
        cluster.timings["total"] = round(time.monotonic() - started, 1)
        print_figures(cluster)
        failed = bool(cluster.problems)
        if failed:
            for log in sorted(tmp.glob("*.log")) + sorted(tmp.glob("nginx/error.log")):
                print(f"\n--- {log.name} (last lines)")
                print("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
        shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        print(f"\n{len(cluster.problems)} check(s) failed:", *cluster.problems, sep="\n  ")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
