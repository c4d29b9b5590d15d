"""The SQLite default holds a busy morning, as `make run` serves it.

The web server (`flask run`, threaded) and the job runner (`flask jobs run`) run as two
processes on one SQLite file, with no mail server (the outbox keeps retrying). Thirty
contributors sign in and submit a new piece each, all at once, while twenty more people
sign in. No request may answer 5xx, and every submission answered "sent" must be in the
database with its own text.
"""

import html.parser
import http.cookiejar
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import IS_POSTGRES

pytestmark = pytest.mark.skipif(
    IS_POSTGRES, reason="about the embedded SQLite default of `make run`, not PostgreSQL"
)

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
PASSWORD = "toasoan-demo"
SUBMITTERS = 30
SIGN_INS = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Forms(html.parser.HTMLParser):
    """The fields each <form> of a page would send, as a browser fills them by default."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        if not self.forms:
            return
        fields = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                fields.setdefault(name, [])
                return
            fields.setdefault(name, []).append(a.get("value") or "")
        elif tag == "button" and name:
            fields.setdefault("_buttons", []).append(name)
        elif tag == "select" and name:
            self._select, self._select_value = name, None
            fields.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self.options.setdefault(self._select, []).append(value)
            if self._select_value is None or "selected" in a:
                self._select_value = value
        elif tag == "textarea" and name:
            fields.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.forms[-1][self._select].append(self._select_value or "")
            self._select = None


class Browser:
    """One person's browser: its own cookies; it follows redirects, as a browser does."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.statuses: list[tuple[int, str]] = []

    def request(self, path: str, data: dict | list | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as response:
                status, url, text = response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as err:
            status, url, text = err.code, err.url, err.read().decode(errors="replace")
        self.statuses.append((status, f"{'POST' if data is not None else 'GET'} {path}"))
        return status, url, text

    def sign_in(self, username: str) -> bool:
        _, _, page = self.request("/dang-nhap")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, url, _ = self.request(
            "/dang-nhap", {"username": username, "password": PASSWORD, "csrf_token": token}
        )
        return status == 200 and not url.endswith("/dang-nhap")


def _run(env, *args):
    subprocess.run([*FLASK, *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "the web server stopped"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the web server did not start")


def _make_contributors(database: Path, count: int) -> list[str]:
    """Contributor accounts beside the demo's, like the demo's contributor "ttvh" (same unit,
    roles and password), written straight into the database: only setup."""
    conn = sqlite3.connect(database)
    try:
        with conn:
            model_id, unit_id, password_hash = conn.execute(
                "SELECT id, unit_id, password_hash FROM users WHERE username = 'ttvh'"
            ).fetchone()
            roles = [
                r
                for (r,) in conn.execute(
                    "SELECT role FROM user_roles WHERE user_id = ?", (model_id,)
                )
            ]
            for i in range(count):
                cursor = conn.execute(
                    "INSERT INTO users (username, full_name, email, unit_id, password_hash,"
                    " active, submission_alerts, created_at, session_token, failed_logins)"
                    " VALUES (?, ?, ?, ?, ?, 1, 'immediate', CURRENT_TIMESTAMP, ?, 0)",
                    (
                        f"ctv{i:02d}",
                        f"Cộng tác viên {i}",
                        f"ctv{i:02d}@example.org",
                        unit_id,
                        password_hash,
                        secrets.token_urlsafe(32),
                    ),
                )
                for role in roles:
                    conn.execute(
                        "INSERT INTO user_roles (user_id, role) VALUES (?, ?)",
                        (cursor.lastrowid, role),
                    )
    finally:
        conn.close()
    return [f"ctv{i:02d}" for i in range(count)]


def _submit(browser: Browser, marker: str, results: dict, errors: list) -> None:
    try:
        _, _, page = browser.request("/tin-bai/moi")
        parser = _Forms()
        parser.feed(page)
        [fields] = [f for f in parser.forms if "submit_piece" in f.get("_buttons", [])]
        fields.pop("_buttons")
        fields["title"] = [f"Tin {marker}: hội nghị sơ kết công tác quý IV"]
        fields["lead"] = [f"Sáng nay, {marker} tổ chức hội nghị sơ kết."]
        fields["body"] = [f"<p>Nội dung riêng của {marker}: đã bàn nhiều việc quan trọng.</p>"]
        fields["category_id"] = [next(v for v in parser.options["category_id"] if v)]
        fields["submit_piece"] = ["1"]
        status, url, text = browser.request("/tin-bai/moi", fields)
        match = re.search(r"/tin-bai/(\d+)$", url)
        if status == 200 and match and "Đã gửi" in text:
            results[marker] = int(match.group(1))
    except Exception as err:  # noqa: BLE001 - reported by the test
        errors.append(f"{marker}: {type(err).__name__}: {err}")


def test_thirty_submissions_and_twenty_sign_ins_at_once_on_the_sqlite_default():
    tmp = Path(tempfile.mkdtemp(prefix="sqlite-burst-"))
    port, mail_port = _free_port(), _free_port()  # nothing listens on mail_port
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'toasoan.sqlite3'}",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "SECRET_KEY": "burst-test-key",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TEST_DATABASE_URL", None)
    _run(env, "db", "upgrade")
    _run(env, "seed-demo")
    contributors = _make_contributors(tmp / "toasoan.sqlite3", SUBMITTERS)

    logs = tmp / "server.log"
    with logs.open("w") as log:
        # As `make run` starts them: the job runner beside the (threaded) web server; the
        # runner passes every second here, so that it writes while the burst goes on.
        jobs = subprocess.Popen(
            [*FLASK, "jobs", "run", "--interval", "1"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        server = subprocess.Popen(
            [*FLASK, "run", "--host", "127.0.0.1", "--port", str(port), "--with-threads"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            _wait_for(port, server)
            base = f"http://127.0.0.1:{port}"
            submitters = [Browser(base) for _ in contributors]
            signers = [Browser(base) for _ in range(SIGN_INS)]
            demo = ["ttvh", "congan", "nongnghiep", "taichinh", "huyendoan", "bientap"]
            sent: dict[str, int] = {}
            signed: list[bool] = []
            errors: list[str] = []
            start = threading.Barrier(SUBMITTERS + SIGN_INS)

            def submit(browser, username, marker):
                start.wait()
                try:
                    signed_in = browser.sign_in(username)
                except Exception as err:  # noqa: BLE001
                    signed_in = False
                    errors.append(f"sign-in {username}: {type(err).__name__}: {err}")
                if signed_in:
                    _submit(browser, marker, sent, errors)
                else:
                    errors.append(f"{username} could not sign in")

            def sign_in(browser, username):
                start.wait()
                try:
                    signed.append(browser.sign_in(username))
                except Exception as err:  # noqa: BLE001
                    errors.append(f"sign-in {username}: {type(err).__name__}: {err}")

            threads = [
                threading.Thread(
                    target=submit, args=(b, username, f"CTV-{i:02d}-{os.urandom(3).hex()}")
                )
                for i, (b, username) in enumerate(zip(submitters, contributors, strict=True))
            ] + [
                threading.Thread(target=sign_in, args=(b, demo[i % len(demo)]))
                for i, b in enumerate(signers)
            ]
            began = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            elapsed = time.monotonic() - began
        finally:
            for process in (server, jobs):
                process.terminate()
            for process in (server, jobs):
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    log_text = logs.read_text(errors="replace")
    server_errors = [
        (status, what)
        for browser in submitters + signers
        for status, what in browser.statuses
        if status >= 500
    ]
    assert server_errors == [], f"{server_errors}\n{log_text[-3000:]}"
    assert errors == [], errors
    assert "database is locked" not in log_text, log_text[-3000:]
    assert signed == [True] * SIGN_INS
    assert len(sent) == SUBMITTERS, f"answered sent: {len(sent)} of {SUBMITTERS}"

    # Every piece answered "sent" is stored, submitted, with its own text.
    conn = sqlite3.connect(tmp / "toasoan.sqlite3")
    try:
        for marker, piece_id in sent.items():
            row = conn.execute(
                "SELECT title, lead, body, state FROM pieces WHERE id = ?", (piece_id,)
            ).fetchone()
            assert row is not None, f"{marker}: piece {piece_id} answered sent, not stored"
            title, lead, body, state = row
            assert marker in title and marker in lead and marker in body, (marker, row)
            assert state == "submitted", (marker, state)
        stored = conn.execute("SELECT count(*) FROM pieces WHERE title LIKE 'Tin CTV-%'").fetchone()
        assert stored[0] == SUBMITTERS
    finally:
        conn.close()
    # The threads joined long before their 120 s: nobody waited out a lock.
    assert elapsed < 120, f"the burst took {elapsed:.0f} s"
