"""Settings, read from the environment.

Defaults suit one machine: a SQLite file under ``instance/`` and a secret key
generated once into ``instance/secret_key``. Production sets DATABASE_URL
(PostgreSQL) and SECRET_KEY.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_dir: Path) -> str:
    """The SECRET_KEY from the environment, or one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(url: str | None, instance_dir: Path) -> str:
    """Normalise a DATABASE_URL: default SQLite file, and psycopg 3 for PostgreSQL."""
    if not url:
        return f"sqlite:///{instance_dir / 'toasoan.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def cookie_settings(secure: bool, remember_days: int) -> dict:
    """Cookie flags: Secure and the __Host- prefix only over HTTPS (a browser refuses a
    __Host- cookie that is not Secure, on Path=/ and without Domain)."""
    settings = {
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_DURATION": timedelta(days=remember_days),
        "SESSION_COOKIE_NAME": "__Host-session" if secure else "session",
        "REMEMBER_COOKIE_NAME": "__Host-remember" if secure else "remember_token",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "REMEMBER_COOKIE_PATH": "/",
        "REMEMBER_COOKIE_DOMAIN": None,
    }
    if secure:
        settings["PREFERRED_URL_SCHEME"] = "https"
    return settings


class Config:
    INSTANCE_DIR = INSTANCE_DIR
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"), INSTANCE_DIR)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # Flask refuses a larger request before reading it
    MAX_IMAGE_BYTES = 10 * 1024 * 1024
    MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
    MAX_IMAGE_PIXELS = 40_000_000  # decoded, 40 MP take 120-160 MB of memory
    THUMBNAIL_SIZE = (480, 480)

    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    TIMEZONE = "Asia/Ho_Chi_Minh"

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("vi", "en")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Unset: no mail goes out; it is kept in the local mailbox ("Thư đã gửi" in the app).
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "toasoan@localhost")
    # Seconds to wait for the mail server at each step. Too short, and a server that accepts
    # a message slowly gets it twice; a try that times out after the message was handed over
    # is marked "maybe sent" and retried later with the same Message-ID.
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "60"))
    # Minutes new-submission mail to an "at once" editor waits for others: one mail a burst.
    NOTIFY_BATCH_MINUTES = float(os.environ.get("NOTIFY_BATCH_MINUTES", "3"))

    # Served over HTTPS (directly or behind the reverse proxy): cookies are then Secure and
    # carry the __Host- prefix (see cookie_settings). On by default when BASE_URL is https;
    # SESSION_COOKIE_SECURE=1, the older name, still turns it on.
    SECURE_COOKIES = _bool(
        "SECURE_COOKIES",
        BASE_URL.startswith("https://") or _bool("SESSION_COOKIE_SECURE"),
    )
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # A demo installation: the sign-in page lists the demo accounts and a banner says so.
    # `make run` turns it on; production leaves it off.
    DEMO_MODE = _bool("DEMO_MODE")
    # The second factor: off by default, so that a new installation signs in with a password.
    # When on, admins, accountants and chief editors must set up an authenticator app.
    TWO_FACTOR_REQUIRED = _bool("TWO_FACTOR_REQUIRED")
    TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "Tòa soạn")
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DAYS = int(os.environ.get("REMEMBER_COOKIE_DAYS", "30"))
    # The number of reverse proxies in front (nginx: 1) whose X-Forwarded-For and
    # X-Forwarded-Proto are trusted; 0 = none, the client talks to gunicorn directly.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    # Sign-in throttling. An account: LOGIN_MAX_FAILURES wrong passwords within
    # LOGIN_FAILURE_WINDOW_MINUTES lock it for LOGIN_LOCK_MINUTES (kept in the database).
    # An address: failed attempts limited by Flask-Limiter (its storage: memory:// on one
    # machine, redis://host:6379 shared by several).
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
    LOGIN_ADDRESS_LIMIT = os.environ.get("LOGIN_ADDRESS_LIMIT", "30 per 15 minutes")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "toasoan"
    WTF_CSRF_TIME_LIMIT = None  # a long edit session must not lose its form to an expired token

    PER_PAGE = 25
    # The largest single royalty line, in đồng: a line above it (a mistyped coefficient or
    # rule) is refused with a message instead of being written to the ledger.
    ROYALTY_LINE_CEILING = int(os.environ.get("ROYALTY_LINE_CEILING", "100000000"))
    # A submitted piece this similar (0..1) to a recent one is flagged in the queue.
    DUPLICATE_THRESHOLD = float(os.environ.get("DUPLICATE_THRESHOLD", "0.4"))

    @classmethod
    def load_secret(cls) -> str:
        return _secret_key(Path(cls.INSTANCE_DIR))


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("TEST_DATABASE_URL") or "sqlite://", INSTANCE_DIR
    )
    SECRET_KEY = "test-only-key-not-used-anywhere-else"
    DEMO_MODE = False
    WTF_CSRF_ENABLED = True
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 1  # tests that send mail start their own SMTP server and set the port
    SERVER_NAME = None
