"""`flask db upgrade` builds the schema from nothing, and the models match the migrations."""

import os
import subprocess
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import DATABASE_URL, IS_POSTGRES, TMP


def _empty_database_url() -> str:
    if not IS_POSTGRES:
        path = TMP / "migrations-check.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = make_url(DATABASE_URL)
    name = f"{url.database}_migrations"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _flask(*args, url):
    env = dict(os.environ, DATABASE_URL=url, INSTANCE_PATH=str(TMP / "migr-instance"))
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_upgrade_from_empty_then_check_finds_no_difference():
    url = _empty_database_url()
    upgrade = _flask("db", "upgrade", url=url)
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask("db", "check", url=url)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    # downgrade to nothing works too, so a bad release can be rolled back
    down = _flask("db", "downgrade", "base", url=url)
    assert down.returncode == 0, down.stderr
