"""``/api/v1/accounts/{id}/portfolio`` and ``/api/v1/portfolio/{id}``: a firm's portfolio, for its
administrators (and operators). Filings reported by relying apps: ``provisioner.filings``."""

from __future__ import annotations

from flask import Blueprint, jsonify

from provisioner.portfolios import schemas, services
from provisioner.portfolios.schemas import establishment_out
from provisioner.web.api import api_context, authenticate, commit_and_sync
from provisioner.web.openapi import ACCOUNT_ID, MAX_ID, Answer, answers, spec

bp = Blueprint("portfolios_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)

TAGS = ["portfolio"]
ESTABLISHMENT_ID = f"<int(min=1, max={MAX_ID}):establishment_id>"


@bp.get(f"/accounts/{ACCOUNT_ID}/portfolio")
@spec.validate(query=schemas.PortfolioQuery, resp=answers(HTTP_200=schemas.PortfolioPage), tags=TAGS)
def list_portfolio(account_id: int, query: schemas.PortfolioQuery) -> Answer:
    """The firm's establishments (« Mon portefeuille »), searched by SIRET or name, filtered by
    state (to complete, complete)."""
    ctx = api_context()
    page = services.list_portfolio(ctx, services.firm(ctx, account_id), query)
    return jsonify(
        {
            "items": [establishment_out(e) for e in page.items],
            "total": page.total,
            "to_complete": page.to_complete,
            "page": page.page,
            "per_page": page.per_page,
        }
    )


@bp.post(f"/accounts/{ACCOUNT_ID}/portfolio")
@spec.validate(json=schemas.EstablishmentIn, resp=answers(HTTP_201=schemas.EstablishmentRead), tags=TAGS)
def add_establishment(account_id: int, json: schemas.EstablishmentIn) -> Answer:
    """Add an establishment by hand."""
    ctx = api_context()
    entry = services.add(ctx, services.firm(ctx, account_id), json)
    out = establishment_out(entry)
    commit_and_sync()
    return jsonify({"establishment": out}), 201


@bp.patch(f"/portfolio/{ESTABLISHMENT_ID}")
@spec.validate(json=schemas.EstablishmentPatch, resp=answers(HTTP_200=schemas.EstablishmentRead), tags=TAGS)
def update_establishment(establishment_id: int, json: schemas.EstablishmentPatch) -> Answer:
    """Complete or change an establishment (``null`` empties a field)."""
    ctx = api_context()
    entry = services.update(ctx, services.get_establishment(ctx, establishment_id), json)
    out = establishment_out(entry)
    commit_and_sync()
    return jsonify({"establishment": out})


@bp.delete(f"/portfolio/{ESTABLISHMENT_ID}")
@spec.validate(resp=answers(HTTP_200=schemas.Removed), tags=TAGS)
def remove_establishment(establishment_id: int) -> Answer:
    """Remove an establishment (adding it again later is free)."""
    ctx = api_context()
    services.remove(ctx, services.get_establishment(ctx, establishment_id))
    commit_and_sync()
    return jsonify({"removed": establishment_id})
