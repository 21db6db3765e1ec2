"""The rights explainer on a user's page (issue 11): for each teleprocedure of the portal, what the
authorization API answers relying apps about this person and its account's establishment, and
why, in the administrator's language; in real Chromium."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.keycloak


def test_an_administrator_sees_why_a_collaborator_may_file_or_not(
    page: Any, live_server: str, settings: Settings, api: Any, login_as: Any, tmp_path: Path
) -> None:
    principal = api.principal({"DSN": None, "DPAE": None})
    login_as(principal["login"])
    collaborator = api.call(
        "POST",
        f"/accounts/{principal['id']}/collaborators",
        {
            "email": f"c{uuid.uuid4().hex[:8]}@example.org",
            "first_name": "Léa",
            "last_name": "Martin",
            "roles": ["declarant:DSN"],
        },
    ).json["person"]

    sign_in(page, live_server, settings, principal["login"])
    page.goto(f"{live_server}/utilisateurs/{collaborator['id']}")
    rights = page.get_by_test_id("rights")
    assert rights.get_by_role("heading", name="Droits de déclaration").is_visible()
    assert page.get_by_test_id("right-DSN").get_attribute("data-reason") == "own_account"
    assert "Oui" in page.get_by_test_id("right-DSN").inner_text()
    assert page.get_by_test_id("right-DPAE").get_attribute("data-reason") == "no_permission"
    assert "pas déclarant" in page.get_by_test_id("right-DPAE").inner_text()
    assert rights.get_by_role("columnheader", name="Téléprocédure").is_visible()
    page.screenshot(path=str(tmp_path / "rights.png"), full_page=True)

    # Disabled: nothing, and the page says why.
    changed = api.call("PATCH", f"/people/{collaborator['id']}", {"enabled": False})
    assert changed.status_code == 200, changed.json
    page.reload()
    assert page.get_by_test_id("right-DSN").get_attribute("data-reason") == "person_disabled"
