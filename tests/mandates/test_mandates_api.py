"""Clients and mandates by activation key through the API (issue 11, seed 001): a firm imports a
spreadsheet of clients (bad rows reported, not saved), prints their letters (the key on each,
the address where a window envelope shows it), enters a key once; another firm's key is refused;
a lost key is a deleted and re-added client; the client's own administrator revokes. What the
authorization API then answers a relying app follows each step, with its reason."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.fixtures.mandates import client_row, csv_of, letters_of, siret, xlsx_of

pytestmark = pytest.mark.keycloak


@pytest.fixture()
def ask(client: Any, app_headers: dict[str, str]) -> Callable[..., Any]:
    def _ask(subject: str, identifier: str, code: str) -> tuple[bool, dict[str, Any]]:
        body = {
            "subject": {"type": "user", "id": subject},
            "resource": {"type": "establishment", "id": identifier},
            "action": {"name": code},
        }
        answer = client.post("/access/v1/evaluation", json=body, headers=app_headers)
        assert answer.status_code == 200, answer.json
        return answer.json["decision"], answer.json["context"]

    return _ask


@pytest.fixture()
def firm(api: Any, login_as: Any) -> dict[str, Any]:
    account = api.principal({"DSN": None, "DPAE": None}, company_type="expert-comptable")
    return {**account, "headers": login_as(account["login"])}


def _import(client: Any, firm: dict[str, Any], data: bytes, fmt: str = "csv", dry_run: bool = False) -> Any:
    return client.post(
        f"/api/v1/accounts/{firm['id']}/clients/import?format={fmt}&dry_run={'true' if dry_run else 'false'}",
        data=data,
        headers=firm["headers"],
        content_type="text/csv" if fmt == "csv" else "application/octet-stream",
    )


def _letters(api: Any, firm: dict[str, Any], ids: list[int] | None = None, headers: Any = None) -> Any:
    """The print run, by the portal's operator (a firm never sees a key it could use)."""
    body = {} if ids is None else {"mandate_ids": ids}
    return api.call("POST", f"/accounts/{firm['id']}/clients/letters", body, headers)


def _collaborator(api: Any, account_id: int, roles: list[str]) -> dict[str, Any]:
    body = {"email": f"c{uuid.uuid4().hex[:8]}@example.org", "first_name": "Cé", "last_name": "Lia", "roles": roles}
    response = api.call("POST", f"/accounts/{account_id}/collaborators", body)
    assert response.status_code == 201, response.json
    return response.json["person"]  # type: ignore[no-any-return]


def _run() -> int:
    return int(uuid.uuid4().int % 100_000) * 100


def test_a_spreadsheet_of_clients_to_an_active_mandate_and_its_revocation(
    api: Any, client: Any, firm: dict[str, Any], login_as: Any, gateway: Any, ask: Callable[..., Any]
) -> None:
    base = _run()
    rows = [client_row(siret(base + n), f"CLIENT {n}") for n in range(20)]
    rows[4]["siret"] = "12345678901234"  # not a SIRET
    rows[11]["téléprocédures"] = "DSN NOPE"  # not a teleprocedure of the portal
    data = csv_of(rows)

    dry = _import(client, firm, data, dry_run=True)
    assert dry.status_code == 200 and dry.json["failed"] == 2 and dry.json["created"] == 0, dry.json
    assert api.call("GET", f"/accounts/{firm['id']}/clients", headers=firm["headers"]).json["total"] == 0

    done = _import(client, firm, data)
    assert done.status_code == 200 and done.json["created"] == 18 and done.json["failed"] == 2, done.json
    failed = {line["row"]: line["error"]["code"] for line in done.json["report"] if line["status"] == "failed"}
    assert set(failed) == {6, 13}, failed  # the file's lines (the header is line 1)
    assert failed[13] == "unknown_teleprocedure" and failed[6].startswith("invalid"), failed
    again = _import(client, firm, csv_of(rows[:1]))
    assert again.json["report"][0]["error"]["code"] == "client_exists", again.json

    listed = api.call("GET", f"/accounts/{firm['id']}/clients?per_page=100", headers=firm["headers"]).json
    assert listed["total"] == 18 and {m["state"] for m in listed["items"]} == {"created"}
    assert all(m["letter_to_print"] for m in listed["items"]) and "key" not in str(listed["items"][0]).lower()

    by_firm = _letters(api, firm, headers=firm["headers"])
    assert by_firm.status_code == 403 and by_firm.json["error"]["code"] == "operator_only", by_firm.json
    printed = _letters(api, firm)
    assert printed.headers["X-Letters-Declared-Address"] == "18"  # the portal knows none of these clients
    assert printed.status_code == 200 and printed.mimetype == "application/pdf", printed.data[:200]
    pages = letters_of(printed.data)
    assert len(pages) == 18 and all(len(p["keys"]) == 1 for p in pages)
    keys = {p["keys"][0] for p in pages}
    assert len(keys) == 18
    first = next(p for p in pages if "CLIENT 0" in [text for text, _, _ in p["lines"]])
    # The address block sits where a DL window envelope shows it (110-195 mm across, 45-90 down).
    address = [(t, x, y) for t, x, y in first["lines"] if t in ("CLIENT 0", "12 rue des Lilas", "69003 LYON")]
    assert len(address) == 3, first["lines"]
    assert all(105 <= x <= 120 and 45 <= y <= 90 for _, x, y in address), address
    assert firm["company_name"] in first["text"] and "DSN" in first["text"]
    assert _letters(api, firm).json["error"]["code"] == "no_letter_to_print"  # the keys exist only on paper now

    key = first["keys"][0]
    mandate_id = next(m["id"] for m in listed["items"] if m["company_name"] == "CLIENT 0")
    client_siret = siret(base)

    # Another firm entering the key is refused, clearly.
    other = api.principal({"DSN": None}, company_type="expert-comptable")
    other_headers = login_as(other["login"])
    refused = api.call("POST", f"/accounts/{other['id']}/mandates/activation", {"key": key}, other_headers)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "key_of_another_firm", refused.json
    # Nor may the other firm declare a secondary account with the client's SIRET; and one the
    # portal's operator made anyway still does not act for the client without a mandate.
    disguise = {
        "name": "deguise",
        "identifier": client_siret,
        "company_name": "CLIENT 0",
        "teleprocedures": {"DSN": None},
        "responsible": {"last_name": "MASQUE", "first_name": "Zo", "email": f"z{uuid.uuid4().hex[:8]}@example.org"},
    }
    refused = api.call("POST", f"/accounts/{other['id']}/secondaries", disguise, other_headers)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "secondary_of_another_company"
    assert refused.json["error"]["details"]["field"] == "identifier"
    disguised = api.call("POST", f"/accounts/{other['id']}/secondaries", disguise)
    assert disguised.status_code == 201, disguised.json
    disguised_id = disguised.json["account"]["id"]

    collaborator = _collaborator(api, firm["id"], ["declarant:DSN", "declarant:DPAE"])
    subject = gateway.find_user(collaborator["username"]).id
    allowed, context = ask(subject, client_siret, "DSN")
    assert not allowed and context["reason"] == "mandate_not_active", context

    activated = api.call(
        "POST", f"/accounts/{firm['id']}/mandates/activation", {"key": key.lower().replace("-", " ")}, firm["headers"]
    )
    assert activated.status_code == 200 and activated.json["mandate"]["state"] == "active", activated.json
    twice = api.call("POST", f"/accounts/{firm['id']}/mandates/activation", {"key": key}, firm["headers"])
    assert twice.status_code == 409 and twice.json["error"]["code"] == "mandate_already_active"
    portfolio = api.call("GET", f"/accounts/{firm['id']}/portfolio?q={client_siret}", headers=firm["headers"]).json
    assert [e["source"] for e in portfolio["items"]] == ["mandate"]

    # A collaborator acts for a client only within its delegation profiles; the firm's administrator for all.
    allowed, context = ask(subject, client_siret, "DSN")
    assert not allowed and context["reason"] == "not_in_profile", context
    holder = gateway.find_user(firm["login"]).id
    allowed, context = ask(holder, client_siret, "DSN")
    assert allowed and context["reason"] == "mandate" and "profile_id" not in context, context
    profile = api.call(
        "POST",
        f"/accounts/{firm['id']}/delegation-profiles",
        {
            "name": "Paie Lyon",
            "teleprocedures": ["DSN"],
            "establishment_ids": [portfolio["items"][0]["id"]],
            "member_ids": [collaborator["id"]],
        },
        firm["headers"],
    )
    assert profile.status_code == 201, profile.json
    allowed, context = ask(subject, client_siret, "DSN")
    assert allowed and context["reason"] == "mandate" and context["mandate_id"] == mandate_id, context
    assert context["profile_id"] == profile.json["profile"]["id"]
    outside = _collaborator(api, firm["id"], ["declarant:DSN"])
    assert ask(gateway.find_user(outside["username"]).id, client_siret, "DSN")[1]["reason"] == "not_in_profile"
    assert ask(subject, client_siret, "DPAE")[1]["reason"] == "not_in_mandate"
    assert ask(subject, siret(base + 1), "DSN")[1]["reason"] == "mandate_not_active"
    assert ask(subject, siret(base + 99), "DSN")[1]["reason"] == "no_mandate"
    outsider = _collaborator(api, firm["id"], ["declarant:DPAE"])
    assert ask(gateway.find_user(outsider["username"]).id, client_siret, "DSN")[1]["reason"] == "no_permission"
    other_holder = gateway.find_user(other["login"]).id
    assert ask(other_holder, client_siret, "DSN")[1]["reason"] == "no_mandate"  # the mandate is this firm's
    disguised_login = gateway.find_user(disguised.json["account"]["login"]).id
    assert ask(disguised_login, client_siret, "DSN")[1]["reason"] == "no_mandate"  # not its "own account"
    seen_by_other = api.call("GET", f"/accounts/{disguised_id}/mandates-received", headers=other_headers)
    assert seen_by_other.status_code == 200 and seen_by_other.json["items"] == [], seen_by_other.json
    stolen = api.call("POST", f"/mandates/{mandate_id}/revocation", headers=other_headers)
    assert stolen.status_code == 404, stolen.json

    # The client's own administrator sees the mandate and revokes it.
    company = api.principal({"DSN": None}, identifier=client_siret)
    company_headers = login_as(company["login"])
    seen = api.call("GET", f"/accounts/{company['id']}/mandates-received", headers=company_headers).json["items"]
    assert [(m["id"], m["state"], m["firm"]["company_name"]) for m in seen] == [
        (mandate_id, "active", firm["company_name"])
    ]
    revoked = api.call("POST", f"/mandates/{mandate_id}/revocation", headers=company_headers)
    assert revoked.status_code == 200 and revoked.json["mandate"]["revoked_by"] == "client", revoked.json
    allowed, context = ask(subject, client_siret, "DSN")
    assert not allowed and context["reason"] == "mandate_revoked", context
    assert "client" in context["reason_admin"]["fr"]

    actions = {e["action"] for e in api.call("GET", f"/accounts/{firm['id']}/audit?per_page=200").json["items"]}
    assert {"mandate.created", "mandate.letter_printed", "mandate.activated", "mandate.revoked"} <= actions
    client_log = {e["action"] for e in api.call("GET", f"/accounts/{company['id']}/audit").json["items"]}
    assert "mandate.revoked" in client_log


def test_a_lost_key_is_a_client_deleted_and_added_again(api: Any, client: Any, firm: dict[str, Any]) -> None:
    identifier = siret(_run())
    body = {
        "identifier": identifier,
        "company_name": "PERDU SARL",
        "address_line1": "3 place du Marché",
        "postcode": "33000",
        "city": "Bordeaux",
        "teleprocedures": ["DSN"],
    }
    made = api.call("POST", f"/accounts/{firm['id']}/clients", body, firm["headers"])
    assert made.status_code == 201 and made.json["mandate"]["state"] == "created", made.json
    old_key = letters_of(_letters(api, firm, [made.json["mandate"]["id"]]).data)[0]["keys"][0]
    again = _letters(api, firm, [made.json["mandate"]["id"]])
    assert again.status_code == 422 and again.json["error"]["code"] == "letter_already_printed"

    deleted = api.call("DELETE", f"/mandates/{made.json['mandate']['id']}", headers=firm["headers"])
    assert deleted.status_code == 200, deleted.json
    readded = api.call("POST", f"/accounts/{firm['id']}/clients", body, firm["headers"])
    assert readded.status_code == 201, readded.json
    new_key = letters_of(_letters(api, firm).data)[0]["keys"][0]
    assert new_key != old_key
    old = api.call("POST", f"/accounts/{firm['id']}/mandates/activation", {"key": old_key}, firm["headers"])
    assert old.status_code == 422 and old.json["error"]["code"] == "unknown_key", old.json
    new = api.call("POST", f"/accounts/{firm['id']}/mandates/activation", {"key": new_key}, firm["headers"])
    assert new.status_code == 200, new.json


def test_a_letter_goes_to_the_address_the_portal_holds(
    api: Any, firm: dict[str, Any], login_as: Any, principal_body: Any, new_login: Any
) -> None:
    """Not to the one the firm typed: a firm that chose the address could receive the key."""
    identifier = siret(_run())
    body = principal_body(new_login(), {"DSN": None}, identifier=identifier)
    body["responsible"]["address"] = {
        "street_number": "8",
        "street_name": "avenue Foch",
        "postal_code": "59000",
        "city": "Lille",
    }
    company = api.call("POST", "/accounts", body)
    assert company.status_code == 201, company.json
    client = {
        "identifier": identifier,
        "company_name": "CONNU SA",
        "address_line1": "1 impasse du Cabinet",
        "postcode": "75017",
        "city": "Paris",
        "teleprocedures": ["DSN"],
    }
    made = api.call("POST", f"/accounts/{firm['id']}/clients", client, firm["headers"])
    assert made.status_code == 201, made.json
    printed = _letters(api, firm, [made.json["mandate"]["id"]])
    assert printed.status_code == 200 and printed.headers["X-Letters-Declared-Address"] == "0"
    [page] = letters_of(printed.data)
    assert "8 avenue Foch" in page["text"] and "59000 LILLE" in page["text"], page["text"]
    assert "impasse du Cabinet" not in page["text"]
    key = page["keys"][0]
    # Once the key no longer waits, another firm learns nothing of it: an unknown key.
    assert (
        api.call("POST", f"/accounts/{firm['id']}/mandates/activation", {"key": key}, firm["headers"]).status_code
        == 200
    )
    other = api.principal({"DSN": None}, company_type="expert-comptable")
    tried = api.call("POST", f"/accounts/{other['id']}/mandates/activation", {"key": key}, login_as(other["login"]))
    assert tried.json["error"]["code"] == "unknown_key", tried.json


def test_wrong_keys_are_rate_limited(api: Any, firm: dict[str, Any]) -> None:
    path = f"/accounts/{firm['id']}/mandates/activation"
    malformed = api.call("POST", path, {"key": "ABCD-EFGH-IJKL-0000"}, firm["headers"])
    assert malformed.status_code == 400 and malformed.json["error"]["code"] == "invalid_key_format"
    assert malformed.json["error"]["details"]["field"] == "key"
    for _ in range(4):
        wrong = api.call("POST", path, {"key": "ABCD-EFGH-JKMN-PQRS"}, firm["headers"])
        assert wrong.status_code == 422 and wrong.json["error"]["code"] == "unknown_key"
    limited = api.call("POST", path, {"key": "ABCD-EFGH-JKMN-PQRS"}, firm["headers"])
    assert limited.status_code == 429 and limited.json["error"]["code"] == "too_many_attempts", limited.json


def test_an_xlsx_import_keeps_the_leading_zeros_of_a_siret(api: Any, client: Any, firm: dict[str, Any]) -> None:
    from stdnum import luhn

    siren = f"0{_run() // 100:07d}"
    siren += luhn.calc_check_digit(siren)
    identifier = siren + "0001" + luhn.calc_check_digit(siren + "0001")
    row: dict[str, Any] = {**client_row(identifier, "ZERO SA"), "siret": int(identifier)}  # Excel's number
    done = _import(client, firm, xlsx_of([row]), fmt="xlsx")
    assert done.status_code == 200 and done.json["created"] == 1, done.json
    assert done.json["report"][0]["identifier"] == identifier


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not a zip at all", b"\x00" * 64, b""],
    ids=["broken-zip", "binary", "empty"],
)
def test_a_broken_workbook_is_a_clear_refusal(client: Any, firm: dict[str, Any], data: bytes) -> None:
    answer = _import(client, firm, data, fmt="xlsx")
    assert answer.status_code == 400 and answer.json["error"]["code"] in ("invalid_file", "empty_file"), answer.json


def test_a_workbook_that_unpacks_to_too_much_is_refused_unread(client: Any, firm: dict[str, Any]) -> None:
    """A zip bomb: a few hundred kilobytes that would unpack to 210 MB."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/sharedStrings.xml", "w") as member,
    ):
        for _ in range(210):
            member.write(b"\0" * 2**20)
    assert len(out.getvalue()) < 2**20
    answer = _import(client, firm, out.getvalue(), fmt="xlsx")
    assert answer.status_code == 400 and answer.json["error"]["code"] == "file_too_large", answer.json


def test_a_workbook_with_odd_cells_is_read_row_by_row(client: Any, firm: dict[str, Any]) -> None:
    """A cell far to the right and a SIRET as an infinite number: read, the bad row reported."""
    from openpyxl import Workbook

    good = client_row(siret(_run()), "LOIN SA")
    book = Workbook()
    sheet = book.active
    sheet.append(list(good))
    sheet.append(list(good.values()))
    sheet.append([float("inf"), *list(good.values())[1:]])
    sheet.cell(row=2, column=16000, value="far away")
    out = io.BytesIO()
    book.save(out)
    answer = _import(client, firm, out.getvalue(), fmt="xlsx")
    assert answer.status_code == 200 and (answer.json["created"], answer.json["failed"]) == (1, 1), answer.json
    assert answer.json["report"][1]["row"] == 3, answer.json


def test_another_firm_sees_and_changes_nothing(api: Any, client: Any, firm: dict[str, Any], login_as: Any) -> None:
    body = {
        "identifier": siret(_run()),
        "company_name": "ISOLE SA",
        "address_line1": "1 rue Haute",
        "postcode": "75001",
        "city": "Paris",
        "teleprocedures": ["DSN"],
    }
    mandate_id = api.call("POST", f"/accounts/{firm['id']}/clients", body, firm["headers"]).json["mandate"]["id"]
    other = api.principal({"DSN": None}, company_type="expert-comptable")
    headers = login_as(other["login"])
    for method, path, data in (
        ("GET", f"/accounts/{firm['id']}/clients", None),
        ("POST", f"/accounts/{firm['id']}/clients", body),
        ("POST", f"/accounts/{firm['id']}/clients/letters", {}),
        ("POST", f"/accounts/{firm['id']}/mandates/activation", {"key": "ABCD-EFGH-JKMN-PQRS"}),
        ("POST", f"/mandates/{mandate_id}/revocation", None),
        ("DELETE", f"/mandates/{mandate_id}", None),
        ("GET", f"/accounts/{firm['id']}/mandates-received", None),
    ):
        answer = api.call(method, path, data, headers)
        assert answer.status_code == 404, (method, path, answer.json)
    upload = client.post(f"/api/v1/accounts/{firm['id']}/clients/import", data=b"siret\n", headers=headers)
    assert upload.status_code == 404
    company = api.principal({"DSN": None})
    assert api.call("GET", f"/accounts/{company['id']}/clients").json["error"]["code"] == "not_a_firm"
