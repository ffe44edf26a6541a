"""Settings for the Kon Tum party-organization quality tracker.

One module, read from the environment (in the style of healthchecks' hc/settings.py).
Development defaults exist so that `make run` works on a fresh machine, and they are
refused as soon as DEBUG is off.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# DJANGO_ENV=production switches the production defaults below (DEBUG off, HTTPS only, secure
# cookies, HSTS, hashed and compressed static files); every one of them can still be set on its own.
DJANGO_ENV = os.getenv("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = envbool("DEBUG", "False" if PRODUCTION else "True")

# Only ever used when DEBUG is on; a production start without SECRET_KEY fails below.
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "axes",
    "accounts",
    "organizations",
    "assessments",
    "reports",
    "imports",
    "ops",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle clock of signed-in sessions, restarted at most once a minute (not a write per page).
    "kontum_party.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The reports' stamps read once for a whole page read (reports.cache).
    "reports.cache.StampsMiddleware",
    # One JSON line per request (kontum_party.requests); sees the user and the final status.
    "kontum_party.middleware.RequestLogMiddleware",
    "kontum_party.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kontum_party.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kontum_party.context.site_owner",
            ],
        },
    },
]

WSGI_APPLICATION = "kontum_party.wsgi.application"

# Whose site it is, as the layout's header says it (e.g. "Ban Tổ chức Tỉnh ủy Quảng Ngãi"); the
# code names no province. Empty: "Ban Tổ chức Tỉnh ủy".
SITE_OWNER = os.getenv("SITE_OWNER", "").strip()

# SQLite file by default; PostgreSQL (or anything dj-database-url understands) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # In production a worker keeps its connection (opening one cost ≈ 8 ms, half of it the
        # server forking its backend: a tenth of the machine at the year-end rush), checked
        # before each request reuses it.
        conn_max_age=envint("CONN_MAX_AGE", "60" if PRODUCTION else "0"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every transaction takes SQLite's write lock when it begins: two saves at once then queue
    # (up to `timeout` seconds) instead of failing with "database is locked" when the second
    # upgrades its read lock; the second sees the first's rows and is told of the conflict.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: the units to
    # rate of one committee cost 190 ms to compile for a 6 ms query. Off for this app's short
    # queries, unless DATABASE_URL gives its own options (?options=-c%20jit%3Don).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: it refuses a locked-out username/address pair before any password is checked.
# authenticate() then needs the request: tests use client.force_login(user), or
# client.login(request=HttpRequest(), username=..., password=...).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["kontum_party.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In production WhiteNoise serves the collected files (`collectstatic`, which `make serve` runs)
# under hashed names, compressed, cached for ever; in development they are read where they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


def _bootstrap_dir() -> str:
    # Bootstrap comes from the xstatic-bootstrap package installed from the lock file.
    from xstatic.pkg import bootstrap

    return bootstrap.BASE_DIR


STATICFILES_DIRS.append(("vendor/bootstrap", _bootstrap_dir()))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Spreadsheet imports (imports app): largest file accepted, and most rows of data in one file.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(10 * 1024 * 1024))
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", "100000")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security ----------------------------------------------------------------------------------------
# HTTPS: behind a TLS-terminating proxy that sets X-Forwarded-Proto, set TRUST_X_FORWARDED_PROTO;
# where the proxy itself redirects http to https and sends no such header, SECURE_SSL_REDIRECT=False.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(PRODUCTION))
if envbool("TRUST_X_FORWARDED_PROTO", "False"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of the site that append the client's address to X-Forwarded-For
# (0: the address of the connection is the client's). Used by the login throttling and the log.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(PRODUCTION))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(PRODUCTION))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = envbool(
    "SECURE_COOKIES", str(PRODUCTION)
)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
# Django sets SameSite=Lax on the session and CSRF cookies by default, not on the language cookie.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Reports counted once per change of what they count (reports.cache): each server process keeps
# the results it used last, at most this many, under the stamps they were counted at (never
# stale, so never cleared by hand); 0 keeps none. A page keeps about six; the whole province's
# dashboard of a national installation (687 committees) holds about 7 MB, a committee's a few kB.
REPORTS_KEPT = envint("REPORTS_KEPT", "128")
if REPORTS_KEPT < 0:
    raise ImproperlyConfigured("REPORTS_KEPT must be 0 (keep no report) or more.")

# Signed out after SESSION_IDLE_MINUTES without a request: a request restarts the clock, saving
# the session at most every SESSION_TOUCH_SECONDS (kontum_party.middleware.SessionIdleMiddleware).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", "30") * 60
SESSION_TOUCH_SECONDS = 60

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins of one username from one
# address, that pair is refused for AXES_COOLOFF_MINUTES, even with the right password.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_CLIENT_IP_CALLABLE = "kontum_party.middleware.client_ip"
AXES_USERNAME_CALLABLE = "kontum_party.middleware.login_username"

# Content-Security-Policy (django-csp): everything from this site, no inline script or style, no
# framing. Bootstrap's stylesheet draws some icons from data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Logging -----------------------------------------------------------------------------------------
# Every record is one JSON line on the console; kontum_party.requests adds one per request (who,
# method, path, status, duration, address: never a body, a password, a query string or a file).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "kontum_party.middleware.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # django-axes announces itself at every start, manage.py commands included.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

# The rating grid posts every unit of a committee at once (~7 fields × a few hundred rows).
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DATA_UPLOAD_MAX_NUMBER_FIELDS", "25000")
