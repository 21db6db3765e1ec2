"""The account rules of DESIGN.md, one test (at least) per rule, pure Python."""

import json

import pytest

from provisioner.accounts import domain
from provisioner.catalogue.store import from_realm_file
from provisioner.errors import InvalidInput, RuleViolation
from provisioner.settings import REPO_ROOT

REALM_FILE = json.loads((REPO_ROOT / "keycloak-config" / "realms" / "portail-demo.json").read_text(encoding="utf-8"))
CATALOGUE = from_realm_file(REALM_FILE["portal"]["teleprocedures"])


def test_catalogue_holds_the_seed_teleprocedures() -> None:
    assert {"AED", "DADS-U", "DPAE", "DRP", "DSI", "DSN"} <= set(CATALOGUE.teleprocedures)
    assert CATALOGUE.teleprocedures["DADS-U"].role == "tp-dads-u"
    assert "Pôle Emploi" in CATALOGUE.teleprocedures["AED"].recipients


def test_catalogue_selection_defaults_to_all_document_types_and_rejects_unknowns() -> None:
    selection = CATALOGUE.validate({"dsn": None, "DPAE": ["dpae"]})
    assert selection["DSN"] == tuple(sorted(CATALOGUE.teleprocedures["DSN"].document_types))
    assert selection["DPAE"] == ("dpae",)
    with pytest.raises(InvalidInput) as unknown:
        CATALOGUE.validate({"XYZ": None})
    assert unknown.value.code == "unknown_teleprocedure"
    with pytest.raises(InvalidInput) as bad_type:
        CATALOGUE.validate({"DSN": ["menu"]})
    assert bad_type.value.code == "unknown_document_type"


@pytest.mark.parametrize(
    ("scheme", "value", "expected"),
    [
        ("fr-siret", "079 555 421 00019", "07955542100019"),
        ("fr-siren", "079555421", "079555421"),
        ("ch-uid", "CHE-100.155.212", "CHE-100.155.212"),
        ("ch-uid", "che100155212", "CHE-100.155.212"),
    ],
)
def test_identifiers_are_validated_with_their_checksums(scheme: str, value: str, expected: str) -> None:
    assert domain.normalize_identifier(scheme, value) == expected


@pytest.mark.parametrize(
    ("scheme", "value", "code"),
    [
        ("fr-siret", "07955542100018", "invalid_siret"),
        ("fr-siret", "123", "invalid_siret"),
        ("ch-uid", "CHE-100.155.213", "invalid_uid"),
    ],
)
def test_invalid_identifiers_name_the_rule(scheme: str, value: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        domain.normalize_identifier(scheme, value)
    assert caught.value.code == code and value in caught.value.message


def test_phone_numbers_in_e164_and_masked() -> None:
    assert domain.normalize_phone("+41 (79) 111 22 33", "CH") == "+41791112233"
    assert domain.normalize_phone("06 12 34 56 78", "FR", mobile_only=True) == "+33612345678"
    assert domain.mask_phone("+41791112233") == "+41 79 *** ** 33"
    with pytest.raises(InvalidInput) as landline:
        domain.normalize_phone("01 49 09 87 37", "FR", mobile_only=True)
    assert landline.value.code == "not_a_mobile"
    with pytest.raises(InvalidInput):
        domain.normalize_phone("hello", "FR")


def test_secondary_login_is_suffixed_with_the_principal_login() -> None:
    assert domain.secondary_login("CS1", "asp1ent") == "cs1.asp1ent"
    with pytest.raises(InvalidInput) as caught:
        domain.secondary_login("a.b", "asp1ent")
    assert caught.value.code == "invalid_login"


@pytest.mark.parametrize(
    ("current", "target"),
    [("requested", "validated"), ("validated", "open"), ("open", "closed"), ("closed", "open")],
)
def test_status_lifecycle_allows(current: str, target: str) -> None:
    domain.check_status_transition(current, target)


@pytest.mark.parametrize(("current", "target"), [("requested", "open"), ("closed", "requested"), ("open", "validated")])
def test_status_lifecycle_refuses(current: str, target: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        domain.check_status_transition(current, target)
    assert caught.value.code == "invalid_status_transition"


def test_rights_ceiling_refuses_more_than_the_principal() -> None:
    principal = {"DSN": ("mensuelle", "signalement-fin-contrat"), "DPAE": ("dpae",)}
    domain.check_rights_ceiling(principal, {"DSN": ("mensuelle",)})
    with pytest.raises(RuleViolation) as caught:
        domain.check_rights_ceiling(principal, {"AED": ("attestation",)})
    assert caught.value.code == "rights_ceiling" and "AED" in caught.value.details["exceeding"]
    with pytest.raises(RuleViolation):
        domain.check_rights_ceiling(principal, {"DSN": ("signalement-arret-travail",)})


def test_dropping_a_teleprocedure_clips_secondaries() -> None:
    kept, removed = domain.clip_to_ceiling({"DPAE": ("dpae",)}, {"DSN": ("mensuelle",), "DPAE": ("annulation", "dpae")})
    assert kept == {"DPAE": ("dpae",)}
    assert removed == {"DSN": ("mensuelle",), "DPAE": ("annulation",)}


def test_non_autonomous_secondary_cannot_choose() -> None:
    domain.check_may_choose_teleprocedures(actor_is_principal_side=True, secondary_autonomous=False)
    domain.check_may_choose_teleprocedures(actor_is_principal_side=False, secondary_autonomous=True)
    with pytest.raises(RuleViolation) as caught:
        domain.check_may_choose_teleprocedures(actor_is_principal_side=False, secondary_autonomous=False)
    assert caught.value.code == "not_autonomous"


def test_mailbox_quota_and_password_reset_on_switch() -> None:
    domain.check_mailbox_quota(2, 2)
    with pytest.raises(RuleViolation) as caught:
        domain.check_mailbox_quota(2, 3)
    assert caught.value.code == "mailbox_quota_exceeded"
    assert domain.mailbox_switch_forces_password_reset(False, True)
    assert not domain.mailbox_switch_forces_password_reset(True, True)


def test_an_account_keeps_an_administrator_and_secondaries_have_no_secondaries() -> None:
    with pytest.raises(RuleViolation) as caught:
        domain.check_keeps_an_administrator(0)
    assert caught.value.code == "last_administrator"
    with pytest.raises(RuleViolation) as nested:
        domain.check_secondary_has_no_secondaries("secondary")
    assert nested.value.code == "secondary_of_secondary"
