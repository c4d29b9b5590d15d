"""The job runner: ``flask --app wsgi jobs run`` (until stopped) or ``--once``.

Each pass publishes the pieces that are due, sends the daily digests, the held
new-submission mail (one per editor per burst) and the quota reminders when it is time, and
delivers the outbox. Every job is idempotent and safe on several
machines at once, so the runner can simply be started wherever it is needed.
"""

import signal
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.extensions import db


def run_pass() -> dict:
    """One pass of every job. Returns what each did."""
    from webapp.mail.services import deliver_due
    from webapp.notifications.services import send_batches, send_digests
    from webapp.reminders.services import run_due as run_reminders
    from webapp.review.services import publish_due

    done = {"published": publish_due()}
    done["digests"] = send_digests()
    db.session.commit()
    done["notify_batches"] = send_batches()
    db.session.commit()
    done.update(run_reminders())
    db.session.commit()
    done.update(deliver_due())
    return done


@click.group("jobs")
def jobs_command():
    """Background jobs: scheduled publishing, digests, mail delivery."""


@jobs_command.command("run")
@click.option("--once", is_flag=True, help="Make one pass and exit.")
@click.option("--interval", default=30, show_default=True, help="Seconds between passes.")
@with_appcontext
def run(once: bool, interval: int):
    stop = {"now": False}

    def _stop(signum, frame):
        stop["now"] = True

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    failed = False
    try:
        while True:
            try:
                done = run_pass()
                failed = False
            except Exception:  # noqa: BLE001 - a failing pass must not stop the runner
                db.session.rollback()
                current_app.logger.exception("job pass failed")
                done, failed = None, True
            finally:
                db.session.remove()
            if done and any(done.values()):
                click.echo(" ".join(f"{k}={v}" for k, v in done.items()))
            if once or stop["now"]:
                break
            for _ in range(interval):
                if stop["now"]:
                    break
                time.sleep(1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if once and failed:
        raise SystemExit(1)  # so cron or a script can tell
