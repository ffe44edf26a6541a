"""Settings come from the environment; development defaults are refused when DEBUG is off."""

import os
import subprocess
import sys

from django.conf import settings


def load_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import kontum_party.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


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
