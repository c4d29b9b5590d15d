"""An upload over the size limit gets the 413 page in the site's layout, on a real socket
(not a connection reset): the server reads the rest of the body before it answers."""

import http.client
import socket
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import Config
from webapp import create_app

LIMIT = 1024 * 1024


@pytest.fixture
def server():
    """The app under Werkzeug's server, on a free loopback port, with a 1 MB limit."""

    class Small(Config):
        MAX_CONTENT_LENGTH = LIMIT

    app = create_app(Small)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.server_port
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = "ranh-gioi-thu"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="anh.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + b"\xff" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("size", [3 * LIMIT, 8 * LIMIT])
def test_an_upload_over_the_limit_gets_the_413_page(server, size):
    body, content_type = _multipart(size)
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    try:
        conn.request("POST", "/dang-nhap", body=body, headers={"Content-Type": content_type})
        response = conn.getresponse()
        html = response.read().decode()
    finally:
        conn.close()
    assert response.status == 413
    assert '<header class="topbar">' in html  # the site's layout
    assert "Tệp quá lớn" in html and "1 MB" in html
    assert "Chọn tệp nhỏ hơn" in html


def test_the_413_reaches_a_client_that_sends_everything_first(server):
    """As a browser does: the whole body goes out, then the answer is read."""
    body, content_type = _multipart(4 * LIMIT)
    with socket.create_connection(("127.0.0.1", server), timeout=30) as sock:
        head = (
            f"POST /dang-nhap HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        sock.sendall(head + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413")
    assert "Tệp quá lớn" in answer
