"""Issue #9, finding 4: the legal identifier of a principal account is the portal's to change
(relying apps trust it: tokens carry it); an administrator's attempt is refused, naming the rule."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.keycloak
OTHER_SIRET = "73282932000074"


def test_only_operators_change_a_principal_identifier(api: Any, login_as: Any) -> None:
    account = api.principal({"DSN": None})
    admin = login_as(account["login"])
    refused = api.call("PATCH", f"/accounts/{account['id']}", {"identifier": OTHER_SIRET}, headers=admin)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "identifier_change_operator_only"
    assert api.call("GET", f"/accounts/{account['id']}").json["account"]["identifier"] == account["identifier"]
    same = api.call("PATCH", f"/accounts/{account['id']}", {"identifier": account["identifier"]}, headers=admin)
    assert same.status_code == 200  # sending it unchanged (the identity form does) is fine

    changed = api.call("PATCH", f"/accounts/{account['id']}", {"identifier": OTHER_SIRET})
    assert changed.status_code == 200 and changed.json["account"]["identifier"] == OTHER_SIRET
    (entry, *_) = api.call("GET", f"/accounts/{account['id']}/audit").json["items"]
    assert entry["action"] == "account.updated"
    assert (entry["before"]["identifier"], entry["after"]["identifier"]) == (account["identifier"], OTHER_SIRET)


def test_nor_a_secondary_identifier(api: Any, login_as: Any) -> None:
    account = api.principal({"DSN": None})
    secondary = api.secondary(account["id"], "etab", {"DSN": None}).json["account"]
    admin = login_as(account["login"])
    refused = api.call("PATCH", f"/accounts/{secondary['id']}", {"identifier": OTHER_SIRET}, headers=admin)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "identifier_change_operator_only"
