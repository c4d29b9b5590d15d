"""Tòa soạn: the application factory."""

import logging
from importlib import import_module
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, Config, cookie_settings
from webapp import access, dblocks, errors, formatting, idempotency, params, security_headers
from webapp.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(Config.INSTANCE_DIR),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = Config.load_secret()
    app.config.update(
        cookie_settings(bool(app.config["SECURE_COOKIES"]), int(app.config["REMEMBER_COOKIE_DAYS"]))
    )
    proxies = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if proxies:  # behind nginx: the client's address and scheme from its X-Forwarded-* headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dblocks.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: Config.TIMEZONE)

    # Ids in URLs: a number no table can hold is a 404, not an overflow in SQL.
    app.url_map.converters["int"] = params.IdConverter
    _import_models()
    _register_blueprints(app)
    app.before_request(access.enforce_access)
    app.before_request(params.refuse_nul_bytes)
    errors.register(app)
    security_headers.register(app)
    formatting.register(app)
    idempotency.register(app)
    _register_template_context(app)
    _register_cli(app)
    return app


def select_locale() -> str:
    if not has_request_context():  # jobs and the CLI: the default, unless force_locale says
        return Config.BABEL_DEFAULT_LOCALE
    wanted = None
    if current_user and current_user.is_authenticated:
        wanted = current_user.locale
    wanted = wanted or session.get("locale")
    return wanted if wanted in Config.LANGUAGES else Config.BABEL_DEFAULT_LOCALE


def _import_models() -> None:
    # Every model is imported here, so that metadata (and migrations) know them all
    # (webapp.idempotency's FormToken comes with the module, imported above).
    from webapp.audit import models as _audit  # noqa: F401
    from webapp.auth import models as _auth  # noqa: F401
    from webapp.mail import models as _mail  # noqa: F401
    from webapp.notifications import models as _notifications  # noqa: F401
    from webapp.pieces import models as _pieces  # noqa: F401
    from webapp.public import models as _public  # noqa: F401
    from webapp.reminders import models as _reminders  # noqa: F401
    from webapp.reports import models as _reports  # noqa: F401
    from webapp.royalties import models as _royalties  # noqa: F401
    from webapp.settings import models as _settings  # noqa: F401
    from webapp.taxonomy import models as _taxonomy  # noqa: F401
    from webapp.units import models as _units  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from webapp.admin import bp as admin_bp
    from webapp.auth import bp as auth_bp
    from webapp.dashboard import bp as dashboard_bp
    from webapp.mail import bp as mail_bp
    from webapp.notifications import bp as notifications_bp
    from webapp.pieces import bp as pieces_bp
    from webapp.public import bp as public_bp
    from webapp.reminders import bp as reminders_bp
    from webapp.reports import bp as reports_bp
    from webapp.review import bp as review_bp
    from webapp.royalties import bp as royalties_bp
    from webapp.settings import bp as settings_bp

    # These packages keep their views out of __init__, so that importing their services
    # or pure modules pulls in no view; the views are attached here.
    for package in (
        "mail",
        "notifications",
        "pieces",
        "public",
        "reminders",
        "reports",
        "review",
        "royalties",
        "settings",
    ):
        import_module(f"webapp.{package}.routes")

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(admin_bp, url_prefix="/quan-tri")
    app.register_blueprint(pieces_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(reminders_bp, url_prefix="/nhac-nho")
    app.register_blueprint(reports_bp, url_prefix="/bao-cao")
    app.register_blueprint(royalties_bp, url_prefix="/nhuan-but")
    app.register_blueprint(settings_bp)


def _register_template_context(app: Flask) -> None:
    from webapp.audit import labels as audit_labels
    from webapp.pieces.models import PieceState
    from webapp.review.workflow import Action

    def action_label(value):
        return Action(value).label if value in Action._value2member_map_ else value

    def state_label(value):
        return PieceState(value).label if value in PieceState._value2member_map_ else value

    from webapp.forms import ActionForm
    from webapp.roles import Role

    @app.context_processor
    def inject():
        in_request = has_request_context()  # mail is rendered by jobs too
        return {
            "Role": Role,
            # Its CSRF field only: reading no form data, so that the 413 page of an
            # oversized upload can be rendered (reading the body would raise again).
            "action_form": ActionForm(formdata=None) if in_request else None,
            "current_endpoint": request.endpoint if in_request else None,
            "audit_labels": audit_labels,
            "languages": Config.LANGUAGES,
            "get_locale": get_locale,
            "action_label": action_label,
            "has_endpoint": lambda name: name in app.view_functions,
            "state_label": state_label,
        }


def _register_cli(app: Flask) -> None:
    from webapp.backup.cli import backup_command, check_files_command
    from webapp.cli import seed_demo_command
    from webapp.jobs import jobs_command
    from webapp.royalties.cli import royalties_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(check_files_command)
    app.cli.add_command(jobs_command)
    app.cli.add_command(import_module("webapp.reminders.cli").reminders_command)
    app.cli.add_command(royalties_command)
    from webapp.reports.cli import import_pieces_command, report_group

    app.cli.add_command(report_group)
    app.cli.add_command(import_pieces_command)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, let the web server and the job runner share the file."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Let SQLAlchemy, not the driver, open transactions, so savepoints work (SQLAlchemy's recipe).
    dbapi_connection.isolation_level = None
    # SQLite's own lower() folds ASCII only: "ĐINH" would not match "Đinh". Python's does
    # Vietnamese, and so do PostgreSQL's; with it, func.lower() and ilike agree on both engines.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A writer waits for another up to the busy timeout (the driver's `timeout` says the same).
    cursor.execute(f"PRAGMA busy_timeout={dblocks.BUSY_TIMEOUT * 1000}")
    # WAL: readers never wait for the writer, nor the writer for readers.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Writers take the write lock when they begin, so that they wait for each other
    instead of failing (see webapp/dblocks.py)."""
    if conn.dialect.name == "sqlite":
        dblocks.begin(conn)


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_write_check(conn, cursor, statement, parameters, context, executemany):
    if conn.dialect.name == "sqlite":
        dblocks.warn_write_in_read_transaction(
            conn, cursor, statement, parameters, context, executemany
        )
