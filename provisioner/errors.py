"""Domain errors: one small hierarchy, mapped to HTTP and HTML in ``web_errors``."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class RuleViolation(DomainError):
    """A business rule refused the change; ``code`` names the rule (e.g. ``rights_ceiling``)."""

    status = 422
    code = "rule_violation"


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class UpstreamUnavailable(DomainError):
    status = 503
    code = "upstream_unavailable"

    def __init__(self, message: str, *, retryable: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retryable = retryable


class RateLimited(DomainError):
    """Too many attempts in a while (of this address, this person...): try again later."""

    status = 429
    code = "rate_limited"
