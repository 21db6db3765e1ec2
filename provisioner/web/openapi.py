"""The API document, generated (spectree, see docs/openapi-library.md): each API view declares its
query, body and answers with ``@spec.validate``; spectree validates the request with those very
models and builds ``/api/v1/openapi.json`` from them and from the routes, so the document and the
validation cannot differ. A refused request takes the one error shape (400 ``validation_failed``,
each problem with its field path)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask import Response as FlaskResponse
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ValidationError
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData
from spectree.plugins import flask_plugin

from provisioner.errors import InvalidInput
from provisioner.logs import get_logger
from provisioner.schemas import invalid_input

log = get_logger(__name__)

MAX_ID = 2**63 - 1  # ids are 64-bit integers: beyond, or below 1, the route does not match (404)
ACCOUNT_ID = f"<int(min=1, max={MAX_ID}):account_id>"
PERSON_ID = f"<int(min=1, max={MAX_ID}):person_id>"


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class Error(BaseModel):
    """The one error shape: ``code`` names the rule (e.g. ``rights_ceiling``), ``message`` says in
    French what to fix, ``details`` carries the fields (``problems``) or the rule's figures."""

    error: ErrorDetail


def _before(req: Any, _resp: Any, req_validation_error: Any, _instance: Any, _adapter: Any = None) -> None:
    """Turn spectree's refusal into ours; spectree reads a missing or non-object body as ``{}``, so
    a view that takes a body refuses anything but a JSON object first."""
    meta = spec.get_function_metadata(current_app.view_functions[req.endpoint])
    if meta is not None and meta.json is not None and not isinstance(req.get_json(silent=True), dict):
        raise InvalidInput("Corps JSON attendu : un objet (Content-Type: application/json).", code="invalid_body")
    if isinstance(req_validation_error, ValidationError):
        in_query = (
            meta is not None
            and meta.query is not None
            and req_validation_error.title == str(meta.query).rsplit(".", 1)[-1]
        )
        raise invalid_input(req_validation_error, parameters=in_query)


def _after(req: Any, _resp: Any, resp_validation_error: Any, _instance: Any, _adapter: Any = None) -> None:
    # The change is committed by then: never a 500 for it; the drift is logged (and the suite's
    # schemathesis run fails on it).
    if resp_validation_error is not None:
        log.error("openapi.response_mismatch", path=req.path, error=str(resp_validation_error))


class _FlaskPlugin(flask_plugin.FlaskPlugin):  # type: ignore[misc]
    """spectree documents every ``int`` converter as int32; ours are 64-bit."""

    def parse_path(self, route: Any, descriptions: Any) -> Any:
        path, parameters = super().parse_path(route, descriptions)
        for parameter in parameters:
            if parameter["schema"].get("maximum", 0) > 2**31 - 1:
                parameter["schema"]["format"] = "int64"
        return path, parameters


spec = SpecTree(
    "flask",
    backend=_FlaskPlugin,
    title="Portail Comptes provisioning API",
    version="1",
    mode="strict",  # only the views that declare themselves are in the document
    before=_before,
    after=_after,
    validation_error_status=400,
    validation_error_model=Error,
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(
                type="http",  # type: ignore[arg-type]
                scheme="bearer",
                bearer_format="JWT (Keycloak access token of the portal realm)",
            ),
        )
    ],
    security={"bearer": []},
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)

# What an API view returns. spectree reads the views' type hints: flask.typing's aliases hold
# names it cannot resolve, this one it can.
Answer = FlaskResponse | tuple[FlaskResponse, int]

ERRORS = {f"HTTP_{status}": Error for status in (400, 401, 403, 404, 409, 422, 429, 503)}


def answers(**ok: Any) -> Response:
    """The responses of an operation: its own (``HTTP_200=Model``…) and the error ones."""
    return Response(**ok, **ERRORS)


# Operations whose success is not JSON: (path, method) -> content types of their 200 answer.
_BINARY: dict[tuple[str, str], dict[str, Any]] = {}


def binary(path: str, method: str, media_types: dict[str, str]) -> None:
    """Declare that ``method path`` answers 200 with a file of one of ``media_types`` (type -> what)."""
    _BINARY[(path, method)] = {
        media: {"schema": {"type": "string", "format": "binary", "description": what}}
        for media, what in media_types.items()
    }


# Operations whose request body is a file: (path, method) -> content types it takes.
_UPLOADS: dict[tuple[str, str], dict[str, Any]] = {}


def upload(path: str, method: str, media_types: dict[str, str]) -> None:
    """Declare that ``method path`` takes a file of one of ``media_types`` as its body (type -> what)."""
    _UPLOADS[(path, method)] = {
        media: {"schema": {"type": "string", "format": "binary", "description": what}}
        for media, what in media_types.items()
    }


_document: dict[str, Any] = {}


def document() -> dict[str, Any]:
    """The document, built once per process: spectree's generation is not repeatable (a second
    run loses the nested models), and every application of ``create_app`` has the same API."""
    if not _document:
        built = spec._generate_spec()
        for (path, method), content in _BINARY.items():
            built["paths"][path][method]["responses"]["200"]["content"] = content
        for (path, method), content in _UPLOADS.items():
            built["paths"][path][method]["requestBody"] = {"required": True, "content": content}
        _document.update(built)
    return _document


bp = Blueprint("openapi", __name__)


@bp.get("/api/v1/openapi.json")
def openapi_json() -> ResponseReturnValue:
    return jsonify(document())
