"""Who may use which route, declared on every view in one way.

Each view carries exactly one of these decorators:

- ``@public``: anyone, signed in or not;
- ``@signed_in``: any active user;
- ``@roles(Role.EDITOR, ...)``: users holding at least one of the roles.

A single ``before_request`` hook enforces the rule, so a view without one is
refused (fail closed), and ``tests/test_access.py`` walks the URL map to make
sure no route is left without a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from webapp.htmx import hx_redirect, is_htmx
from webapp.roles import Role


@dataclass(frozen=True)
class Rule:
    kind: str  # "public", "signed_in" or "roles"
    roles: frozenset[Role] = frozenset()

    def allows(self, user) -> bool:
        if self.kind == "public":
            return True
        if not user.is_authenticated:
            return False
        if self.kind == "signed_in":
            return True
        return bool(self.roles & user.role_set)


def _declare(rule: Rule) -> Callable:
    def decorator(view: Callable) -> Callable:
        view.access_rule = rule
        return view

    return decorator


public = _declare(Rule("public"))
signed_in = _declare(Rule("signed_in"))


def roles(*allowed: Role) -> Callable:
    if not allowed:
        raise ValueError("roles() needs at least one role")
    return _declare(Rule("roles", frozenset(allowed)))


# Flask's own endpoints that carry no decorator of ours.
BUILTIN_PUBLIC_ENDPOINTS = {"static"}


def rule_for(endpoint: str | None) -> Rule | None:
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return Rule("public")
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_access():
    """before_request hook: refuse what the route's rule does not allow."""
    if request.endpoint is None:  # no route matched: let the 404 through
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        abort(403)
    if rule.allows(current_user):
        return None
    if not current_user.is_authenticated:
        login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
        return hx_redirect(login_url) if is_htmx() else redirect(login_url)
    abort(403)
