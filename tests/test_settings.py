"""Settings come from the environment; development defaults are refused when DEBUG is off."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

# Every variable these tests set themselves, so that the caller's environment does not leak in.
OWN_VARIABLES = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DJANGO_ENV",
    "SECURE_SSL_REDIRECT",
    "TRUST_X_FORWARDED_PROTO",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_COOKIES",
    "SESSION_IDLE_MINUTES",
    "REPORTS_KEPT",
)


def run_python(arguments, **env):
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *arguments], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def load_settings(expression="s.DATABASES['default']['ENGINE']", **env):
    return run_python(["-c", f"import kontum_party.settings as s; print({expression})"], **env)


def production(**env):
    """The environment of a production start: a random key of 60 characters and the host."""
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(45),
        "ALLOWED_HOSTS": "example.org",
    } | env


def test_debug_off_refuses_a_missing_secret_key():
    result = load_settings(DEBUG="False", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_debug_off_refuses_the_development_key():
    result = load_settings(
        DEBUG="False", ALLOWED_HOSTS="example.org", SECRET_KEY="dev-only-insecure-key-never-use-in-production"
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_debug_off_refuses_missing_allowed_hosts():
    result = load_settings(DEBUG="False", SECRET_KEY="s" * 50)
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


def test_database_url_selects_postgresql_and_sqlite_is_the_default():
    without = load_settings(DATABASE_URL="")
    with_pg = load_settings(DATABASE_URL="postgres://u:p@127.0.0.1:5432/db")
    assert without.stdout.strip() == "django.db.backends.sqlite3"
    assert with_pg.stdout.strip() == "django.db.backends.postgresql"


def test_postgresql_connections_turn_jit_off_unless_the_url_gives_options():
    options = "s.DATABASES['default']['OPTIONS'].get('options')"
    assert load_settings(options, DATABASE_URL="postgres://u:p@h:5432/db").stdout.strip() == "-c jit=off"
    given = load_settings(options, DATABASE_URL="postgres://u:p@h:5432/db?options=-c%20jit%3Don")
    assert given.stdout.strip() == "-c jit=on"


def test_check_deploy_reports_no_issue_in_production():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_turns_on_https_secure_cookies_hsts_and_debug_off():
    values = "[s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    values += "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
    values += "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1]]"
    assert load_settings(values, **production()).stdout.strip() == (
        "[False, True, True, True, 31536000, True, True, 'CompressedManifestStaticFilesStorage']"
    )
    assert load_settings(values).stdout.strip() == (
        "[True, False, False, False, 0, False, False, 'StaticFilesStorage']"
    )


def test_production_still_requires_a_secret_key():
    result = load_settings(DJANGO_ENV="production", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_behind_a_tls_proxy_the_redirect_can_be_left_to_it():
    expression = "[s.SECURE_SSL_REDIRECT, getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]"
    env = production(SECURE_SSL_REDIRECT="False", TRUST_X_FORWARDED_PROTO="True")
    assert load_settings(expression, **env).stdout.strip() == "[False, ('HTTP_X_FORWARDED_PROTO', 'https')]"
    assert load_settings(expression, **production()).stdout.strip() == "[True, None]"


def test_an_unknown_environment_name_is_refused():
    result = load_settings(DJANGO_ENV="prod")
    assert result.returncode != 0 and "DJANGO_ENV must be" in result.stderr


def test_sessions_expire_after_the_configured_inactivity():
    expression = "[s.SESSION_COOKIE_AGE, s.SESSION_TOUCH_SECONDS]"
    assert load_settings(expression).stdout.strip() == "[1800, 60]"
    assert load_settings(expression, SESSION_IDLE_MINUTES="10").stdout.strip() == "[600, 60]"


def test_production_workers_keep_their_database_connection():
    expression = "[s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS']]"
    assert load_settings(expression).stdout.strip() == "[0, True]"
    assert load_settings(expression, **production()).stdout.strip() == "[60, True]"
    assert load_settings(expression, **production(CONN_MAX_AGE="0")).stdout.strip() == "[0, True]"


def test_the_reports_kept_per_process_are_bounded_and_a_wrong_bound_refused():
    assert load_settings("s.REPORTS_KEPT").stdout.strip() == "128"
    assert load_settings("s.REPORTS_KEPT", REPORTS_KEPT="0").stdout.strip() == "0"
    refused = load_settings("s.REPORTS_KEPT", REPORTS_KEPT="-1")
    assert refused.returncode != 0 and "REPORTS_KEPT must be" in refused.stderr
