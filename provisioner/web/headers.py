"""Security headers on every answer: no framing (clickjacking), no type sniffing, no full URL in
the Referer sent to other sites, and HSTS when the service is served over https."""

from __future__ import annotations

from flask import Flask, Response

from provisioner.settings import Settings


def install(app: Flask, settings: Settings) -> None:
    https = settings.public_url.startswith("https://")

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
