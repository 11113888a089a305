"""Settings, read from the environment (12-factor); every variable is listed in the README."""

import importlib.util
import ipaddress
import os
import secrets
import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from offenestadt.demo_folder import is_marked, marks_demo

# Lets admin classes, forms and feeds name their model type (ModelAdmin[Project]).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_choice(name: str, choices: list[str], default: str) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_time_zone(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be a time zone such as Europe/Berlin, not {value!r}"
        ) from None
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("OFFENESTADT_DATA_DIR", str(Path.cwd() / "data"))).resolve()


def _make_data_dir() -> None:
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"OFFENESTADT_DATA_DIR: cannot create {DATA_DIR} ({error.strerror}): set it to a "
            "folder this user may write"
        ) from None


DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("SITE_NAME", "Offene Stadt")
# The public address, for links where there is no request to read it from: e-mails, letters.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Who runs this installation, for the imprint and the privacy page.
OPERATOR_NAME = env_str("OPERATOR_NAME", "Stadt Musterstadt (Demo)")
OPERATOR_ADDRESS = env_str("OPERATOR_ADDRESS", "Rathausplatz 1, 44700 Musterstadt")
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL", "smartcity@example.org")
OPERATOR_PHONE = env_str("OPERATOR_PHONE", "0234 000000")
DPO_CONTACT = env_str("DPO_CONTACT", "datenschutz@example.org")
# The infrastructure register: the office (slug) that publishes it as open data (empty: the
# first office), and the city's district outlines for its map (a GeoJSON file; empty: none).
INFRASTRUCTURE_OFFICE = env_str("INFRASTRUCTURE_OFFICE", "")
INFRASTRUCTURE_DISTRICTS_GEOJSON = env_str("INFRASTRUCTURE_DISTRICTS_GEOJSON", "")
# The Freifunk community's map (meshviewer.json, nodes.json or respondd data; a URL or a file)
# that the worker imports every INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES once
# `offenestadt infrastructure schedule-freifunk` queued the first run (empty: never).
INFRASTRUCTURE_FREIFUNK_URL = env_str("INFRASTRUCTURE_FREIFUNK_URL", "")
INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES = env_int("INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES", 60)
if INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES < 1:
    raise ImproperlyConfigured("INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES must be 1 or more")
# Votes: how many unknown voting codes one connection may try, and how many ballots of an
# open poll (without codes) it may cast, per window.
VOTING_CODE_ATTEMPT_LIMIT = env_int("VOTING_CODE_ATTEMPT_LIMIT", 10)
VOTING_CODE_ATTEMPT_WINDOW_SECONDS = env_int("VOTING_CODE_ATTEMPT_WINDOW_SECONDS", 15 * 60)
VOTING_POLL_LIMIT = env_int("VOTING_POLL_LIMIT", 10)
VOTING_POLL_WINDOW_SECONDS = env_int("VOTING_POLL_WINDOW_SECONDS", 60 * 60)
# Unknown codes for one vote from all connections within the code window after which the
# operators' log gets a warning (valid codes are accepted regardless).
VOTING_CODE_GUESSING_ALERT = env_int("VOTING_CODE_GUESSING_ALERT", 1000)
# Comments on contracts one connection may post per window.
CONTRACT_COMMENT_LIMIT = env_int("CONTRACT_COMMENT_LIMIT", 10)
CONTRACT_COMMENT_WINDOW_SECONDS = env_int("CONTRACT_COMMENT_WINDOW_SECONDS", 60 * 60)
# Feedback on the platform's accessibility: days the city gives itself to answer, and how many
# messages one connection may send per window.
ACCESSIBILITY_REPLY_DAYS = env_int("ACCESSIBILITY_REPLY_DAYS", 30)
ACCESSIBILITY_FEEDBACK_LIMIT = env_int("ACCESSIBILITY_FEEDBACK_LIMIT", 5)
ACCESSIBILITY_FEEDBACK_WINDOW_SECONDS = env_int("ACCESSIBILITY_FEEDBACK_WINDOW_SECONDS", 60 * 60)
# Registrations for training sessions one connection may send online per window.
TRAINING_REGISTRATION_LIMIT = env_int("TRAINING_REGISTRATION_LIMIT", 10)
TRAINING_REGISTRATION_WINDOW_SECONDS = env_int("TRAINING_REGISTRATION_WINDOW_SECONDS", 60 * 60)
# How many days before a training session its participants are reminded of it.
TRAINING_REMINDER_DAYS = env_int("TRAINING_REMINDER_DAYS", 2)
# Where people turn when the city's answer to their feedback does not satisfy them: the
# enforcement body of the city's federal state (its name, web address, e-mail, postal address).
ACCESSIBILITY_ENFORCEMENT_NAME = env_str("ACCESSIBILITY_ENFORCEMENT_NAME", "")
ACCESSIBILITY_ENFORCEMENT_URL = env_str("ACCESSIBILITY_ENFORCEMENT_URL", "")
ACCESSIBILITY_ENFORCEMENT_EMAIL = env_str("ACCESSIBILITY_ENFORCEMENT_EMAIL", "")
ACCESSIBILITY_ENFORCEMENT_ADDRESS = env_str("ACCESSIBILITY_ENFORCEMENT_ADDRESS", "")
# The open data catalogue (DCAT-AP.de): the city's municipality key (AGS) for political
# geocoding, and its ID in the national contributor list (http://dcat-ap.de/def/contributors/).
OPENDATA_MUNICIPALITY_KEY = env_str("OPENDATA_MUNICIPALITY_KEY", "05911000")
# Datasets per page of the DCAT catalogue that harvesters page through.
OPENDATA_DCAT_PAGE_SIZE = env_int("OPENDATA_DCAT_PAGE_SIZE", 100)
OPENDATA_CONTRIBUTOR_ID = env_str(
    "OPENDATA_CONTRIBUTOR_ID", "http://dcat-ap.de/def/contributors/openNRW"
)
# Uploads: the most bytes one file may have (every upload form), and how far a workbook
# (.xlsx, a ZIP archive) may unpack before it is read.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
UPLOAD_MAX_UNPACKED_BYTES = env_int("UPLOAD_MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
# Form fields other than files (Django's default); files above this wait in a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The prefix of this city's OCDS contracting process ids (register one with the OCP).
OCDS_OCID_PREFIX = env_str("OCDS_OCID_PREFIX", "ocds-offenestadt")

INSTALLED_APPS = [
    "offenestadt.core",
    "offenestadt.accounts",
    "offenestadt.charter",
    "offenestadt.accessibility",
    "offenestadt.council",
    "offenestadt.software",
    "offenestadt.training",
    "offenestadt.registry",
    "offenestadt.contracts",
    "offenestadt.processing",
    "offenestadt.opendata",
    "offenestadt.infrastructure",
    "offenestadt.participation",
    "offenestadt.voting",
    # Above the domains: they read them all.
    "offenestadt.staff",
    "offenestadt.overview",
    # After the domains, so the demo's checkpoint covers everything they loaded.
    "offenestadt.audit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
]

# Background work (the retention task) waits as rows in the database until the worker
# (`offenestadt worker`) runs it; no broker to operate.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "offenestadt.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "offenestadt.core.middleware.RequestLogMiddleware",
    # Before the session: public pages for visitors who are not signed in, from the cache.
    "offenestadt.core.pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the views and the CSRF check read a form: text no record can hold is refused.
    "offenestadt.core.middleware.UnreadableInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "offenestadt.accounts.middleware.SecondFactorRequiredMiddleware",
    # After sign-in is known: decides whether this request's reads may go to the replica.
    "offenestadt.core.replica.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "offenestadt.core.middleware.MethodNotAllowedPageMiddleware",
    # Last: language and user are known (its page has the site's frame), the security headers
    # apply to its answer, and no body has been read yet.
    "offenestadt.core.uploads.RequestSizeLimitMiddleware",
]

ROOT_URLCONF = "offenestadt.urls"
WSGI_APPLICATION = "offenestadt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "offenestadt.core.context_processors.site",
                "offenestadt.staff.inbox.context_processors.inbox",
            ],
        },
    },
]


# --- Database: SQLite in the data folder unless DATABASE_URL says otherwise -----------
# PostgreSQL connections per server or worker process (0: none kept, e.g. behind PgBouncer);
# see core.pool.
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 8)
if DATABASE_POOL_MAX_SIZE < 0:
    raise ImproperlyConfigured("DATABASE_POOL_MAX_SIZE must be 0 or more (0: no pool)")


def _database(url: str) -> dict[str, Any]:
    try:
        database: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
        )
    except ValueError:
        database = {}
    if database.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        # The URL may hold a password: name only its scheme.
        raise ImproperlyConfigured(
            f"DATABASE_URL ({url.partition(':')[0]}://…) is not a PostgreSQL or SQLite URL: "
            "set it to postgres://USER:PASSWORD@HOST:5432/NAME (special characters "
            "%-quoted) or sqlite:////absolute/path.sqlite3"
        )
    return database


DATABASES = {
    "default": _database(env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'offenestadt.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _make_data_dir()
    # Several processes (web and tasks) share the file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A streaming replica of the primary for public reads (core/replica.py decides which), with
# the primary's connection options (a test run reads the test database through it).
if _replica_url := env_str("DATABASE_REPLICA_URL"):
    try:
        _replica: dict[str, Any] = dict(dj_database_url.parse(_replica_url))
    except ValueError:
        _replica = {}
    if not (
        DATABASES["default"]["ENGINE"] == _replica.get("ENGINE") == "django.db.backends.postgresql"
    ):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL needs PostgreSQL: set it and DATABASE_URL to "
            "postgres://USER:PASSWORD@HOST:5432/NAME (the replica streams from the primary), "
            "or unset DATABASE_REPLICA_URL."
        )
    DATABASES["replica"] = {
        **DATABASES["default"],
        "NAME": _replica["NAME"],
        "USER": _replica["USER"],
        "PASSWORD": _replica["PASSWORD"],
        "HOST": _replica["HOST"],
        "PORT": _replica["PORT"],
        # A replica that is gone must not hold a request for long (then the primary answers).
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 3},
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["offenestadt.core.replica.ReplicaRouter"]
# The most a public page read from the replica may lag behind the primary; beyond it the
# primary answers.
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: public pages and their dependencies (core/pagecache) -------------------------
# Shared by every server process: redis://HOST:6379/0 (Redis), file:///absolute/folder, or
# locmem:// (one process only: tests); default a folder in the data folder.
PAGE_CACHE = env_bool("PAGE_CACHE", default=True)


# A page stores one entry for itself and one per record or table it shows (a procedure page
# with 200 comments: ~200). 200,000 small files hold the pages residents read at city scale
# (up to ~1 GB of disk); past it, entries are evicted at random (a render, never stale).
FOLDER_CACHE_ENTRIES = 200_000


def _cache(url: str) -> dict[str, Any]:
    scheme, _, rest = url.partition("://")
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    if scheme == "file" and rest.startswith("/"):
        return {
            "BACKEND": "offenestadt.core.pagecache.folder.FolderCache",
            "LOCATION": rest,
            "OPTIONS": {"MAX_ENTRIES": FOLDER_CACHE_ENTRIES},
        }
    raise ImproperlyConfigured(
        f"CACHE_URL ({scheme}://…) must be redis://HOST:6379/0, file:///absolute/folder or "
        "locmem://"
    )


CACHES = {"default": _cache(env_str("CACHE_URL") or f"file://{DATA_DIR / 'cache'}")}

# --- Demo mode and the secret key -----------------------------------------------------
# Demo mode runs on this machine only: it may invent a secret key (kept in the data folder),
# serves plain HTTP and sends e-mail to the console. Nothing else relaxes in demo mode.
# `offenestadt demo` turns it on (OFFENESTADT_DEMO) and marks its data folder for its
# database, so commands and servers started beside it are in demo mode too, unless
# SECRET_KEY is set (production) or OFFENESTADT_DEMO=false.
DEMO_MODE = env_bool(
    "OFFENESTADT_DEMO",
    default=not env_str("SECRET_KEY") and marks_demo(DATA_DIR, DATABASES["default"]),
)
# The charter the demo starts with, by its name (`offenestadt demo --charter NAME` sets it;
# charter.demo lists the names); empty: the one the demo's database holds, else the default.
DEMO_CHARTER = ""


def _demo_secret_key() -> str:
    """A random key kept in the data folder, so demo sessions survive a restart."""
    _make_data_dir()
    key_file = DATA_DIR / "demo-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEMO_MODE:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it to at least 50 random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
            + (
                f"; the demo in {DATA_DIR} ran on another database than this DATABASE_URL"
                if is_marked(DATA_DIR)
                else ", or run `offenestadt demo` here for a demo"
            )
        )
    SECRET_KEY = _demo_secret_key()

# --- People and sign-in ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "overview:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins allowed per account name within the window, before it must wait.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
OTP_TOTP_ISSUER = SITE_NAME

# --- Sessions, cookies, HTTPS ----------------------------------------------------------
SECURE_HTTPS = env_bool("SECURE_HTTPS", default=not DEMO_MODE)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "offenestadt.core.errors.csrf_failure"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SECURE_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = False
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client's address:
# without it, every request behind a proxy counts against the proxy's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES must list IP addresses or networks (127.0.0.1, 10.0.0.0/8), "
            f"not {_proxy!r}"
        ) from None
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Nothing a visitor loads may come from another host; no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Language ------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_time_zone("TIME_ZONE", "Europe/Berlin")
USE_TZ = True

# --- Files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(Path.cwd() / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
# The demo and the tests serve static files straight from the apps; production runs
# `offenestadt collectstatic` and serves compressed files with hashed names.
WHITENOISE_USE_FINDERS = env_bool("SERVE_STATIC_FROM_APPS", default=DEMO_MODE or DEBUG)
# Then look files up per request: there is no collected folder to index at start.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
_static_backend = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if WHITENOISE_USE_FINDERS
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
if env_str("S3_BUCKET") and importlib.util.find_spec("storages") is None:
    raise ImproperlyConfigured(
        "S3_BUCKET is set, but django-storages is missing: install offenestadt[s3] "
        "(pip install .[s3]), or unset S3_BUCKET"
    )
if env_str("S3_BUCKET"):
    _default_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Raw uploads on their way through the anonymization pipeline: never at a public
# address, and apart from the public files (a folder of its own, or a prefix in the bucket).
if env_str("S3_BUCKET"):
    _private_storage = {
        "BACKEND": _default_storage["BACKEND"],
        "OPTIONS": _default_storage["OPTIONS"] | {"location": "private"},
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "private"), "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "private": _private_storage,
    "staticfiles": {"BACKEND": _static_backend},
}

# --- E-mail --------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "offenestadt@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS: dict[str, dict[str, Any]]
if DEMO_MODE and not env_str("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 30,
            },
        }
    }

# --- Logs: one JSON object a line, no IP addresses ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "offenestadt.core.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {
        "handlers": ["stderr"],
        "level": env_choice("LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], "INFO"),
    },
    "loggers": {
        # The request log below replaces Django's own, which would repeat each request.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
