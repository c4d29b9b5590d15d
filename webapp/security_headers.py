"""The headers every response carries, so that a browser limits what a page may do.

One ``after_request`` instead of a dependency: the policy is short and fixed. Scripts
come only from our own static files (no inline script, no handler attribute, no eval:
htmx is configured in base.html not to need them); styles may be inline, because Trix
injects its own <style> and the mail preview shows the mail's style attributes.
"""

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Older browsers that ignore frame-ancestors: no framing either (clickjacking).
    "X-Frame-Options": "DENY",
    # A file is what its Content-Type says, never what its bytes look like.
    "X-Content-Type-Options": "nosniff",
    # Other sites see our origin, never a path such as /tin-bai/12/sua?q=...
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Two years, subdomains included: the value the HSTS preload list asks for.
HSTS = "max-age=63072000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    """Set the headers a response has not set itself (uploads set a stricter CSP)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # Only over HTTPS (behind a proxy, as the proxy says): over plain HTTP a browser ignores it,
    # and sending it from a development server on http:// would only mislead.
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
