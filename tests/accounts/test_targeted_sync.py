"""Work proportional to the change (issue 13, first step): a change on one secondary account applies
only that account's objects in Keycloak; the Keycloak calls it costs stay the same whether the
principal has 3 or 30 secondaries. A principal's change still reaches every secondary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.keycloak


@pytest.fixture()
def keycloak_calls(app: Any) -> Iterator[list[str]]:
    """The admin REST calls the provisioner's gateway makes, as "METHOD path"."""
    rest = app.extensions["portail.keycloak"].rest
    calls: list[str] = []
    original = rest._call

    def counting(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(f"{method} {path}")
        return original(method, path, *args, **kwargs)

    rest._call = counting
    yield calls
    rest._call = original


def _cost_of_renaming_one_secondary(api: Any, secondaries: int, calls: list[str]) -> int:
    principal = api.principal({"DSN": None})
    ids = []
    for n in range(secondaries):
        created = api.secondary(principal["id"], f"e{n}", {"DSN": None})
        assert created.status_code == 201, created.json
        ids.append(created.json["account"]["id"])
    calls.clear()
    renamed = api.call("PATCH", f"/accounts/{ids[0]}", {"company_name": "ETAB RENOMME"})
    assert renamed.status_code == 200 and renamed.json["sync"]["status"] == "applied", renamed.json
    return len(calls)


def test_a_change_on_one_secondary_costs_the_same_with_3_or_30_secondaries(
    api: Any, keycloak_calls: list[str], gateway: Any
) -> None:
    small = _cost_of_renaming_one_secondary(api, 3, keycloak_calls)
    large = _cost_of_renaming_one_secondary(api, 30, keycloak_calls)
    assert large == small, keycloak_calls


def test_a_principal_change_still_reaches_every_secondary(api: Any, gateway: Any) -> None:
    principal = api.principal({"DSN": None, "DPAE": None})
    logins = [
        api.secondary(principal["id"], f"s{n}", {"DSN": None, "DPAE": None}).json["account"]["login"] for n in range(3)
    ]
    dropped = api.call("PUT", f"/accounts/{principal['id']}/teleprocedures", {"teleprocedures": {"DSN": None}})
    assert dropped.status_code == 200 and dropped.json["sync"]["status"] == "applied", dropped.json
    for login in logins:
        user = gateway.find_user(login)
        assert user is not None and "tp-dpae" not in gateway.user_realm_roles(user.id), login
