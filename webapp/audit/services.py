"""Recording audit entries. Services call these; they flush, never commit."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from webapp.audit.models import AuditEntry
from webapp.extensions import db


def _plain(value):
    """A value as JSON can keep it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | list | tuple):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(obj, fields) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: dict, after: dict) -> dict:
    """Fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record(actor, action: str, obj, changes: dict, label: str | None = None) -> AuditEntry | None:
    """Write one audit entry; nothing when an update changed nothing."""
    if action == "update" and not changes:
        return None
    db.session.flush()  # obj.id is known for a new object
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=obj.__tablename__,
        entity_id=getattr(obj, "id", None),
        entity_label=(label or str(getattr(obj, "name", None) or getattr(obj, "username", "")))[
            :255
        ],
        changes={k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()},
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class Origin:
    """Where a request came from: the client's address and its User-Agent."""

    address: str | None = None
    agent: str | None = None


def record_account_event(
    actor,
    action: str,
    user,
    origin: Origin | None,
    *,
    label: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """An account event (sign-in, failure, lock, sign-out...) with the client's address and
    browser. ``user`` is None when the username typed is no one's: ``label`` keeps it."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type="users",
        entity_id=user.id if user is not None else None,
        entity_label=(user.username if user is not None else label)[:255],
        changes={k: [_plain(v[0]), _plain(v[1])] for k, v in (changes or {}).items()},
        ip_address=(origin.address or None) if origin else None,
        user_agent=((origin.agent or "")[:255] or None) if origin else None,
    )
    db.session.add(entry)
    return entry
