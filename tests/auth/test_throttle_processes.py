"""The account lock holds across server processes: two gunicorn servers on one database,
the guesses spread between them, and the right password is still refused."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import IS_POSTGRES

pytestmark = pytest.mark.skipif(
    IS_POSTGRES, reason="the processes share a SQLite file here; PostgreSQL is the same code path"
)

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _attempt(port: int, username: str, password: str) -> tuple[int, str]:
    """One sign-in through the form, as a new browser would: (status, page)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        urllib.request.HTTPRedirectHandler(),
    )
    base = f"http://127.0.0.1:{port}"
    token = CSRF.search(opener.open(f"{base}/dang-nhap", timeout=30).read().decode()).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": token}
    ).encode()
    try:
        response = opener.open(f"{base}/dang-nhap", data=data, timeout=30)
        return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _wait(port: int, process) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("the server stopped")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def test_guesses_spread_over_two_server_processes_lock_the_account(tmp_path):
    env = dict(
        os.environ,
        INSTANCE_PATH=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'toasoan.sqlite3'}",
        RATELIMIT_STORAGE_URI="memory://",
    )
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            _wait(port, server)
        # Five wrong passwords, three on one server and two on the other: neither process
        # saw five, the database did.
        for i in range(5):
            status, _page = _attempt(ports[i % 2], "ketoan", "sai-mat-khau")
            assert status in (422, 429)
        status, page = _attempt(ports[1], "ketoan", "toasoan-demo")
        assert status == 429
        assert "Quá nhiều lần đăng nhập sai; thử lại sau" in page
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
