"""The portal's password policy as the registration shows and checks it, before Keycloak does."""

from __future__ import annotations

from typing import Any

import pytest

from provisioner.registration import passwords

DEMO = "length(6) and maxLength(12) and digits(2) and regexPattern(^[A-Za-z0-9]+$) and notUsername(undefined)"


@pytest.fixture()
def french(app: Any) -> Any:
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        yield


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize(
    ("password", "lacks"),
    [
        ("Test2026", []),
        ("court", ["au moins 6 caractères", "au moins 2 chiffres"]),
        ("Beaucoup2026trop", ["au plus 12 caractères"]),
        ("Accentué26", ["uniquement des lettres sans accent et des chiffres"]),
        ("moi2026", ["différent de votre identifiant"]),
    ],
)
def test_what_a_password_lacks_is_said_rule_by_rule(password: str, lacks: list[str]) -> None:
    assert passwords.refusals(DEMO, password, username="MOI2026", email="x@example.org") == lacks


@pytest.mark.usefixtures("french")
def test_the_policy_is_shown_and_unknown_rules_are_left_to_keycloak() -> None:
    assert passwords.described(DEMO) == [
        "au moins 6 caractères",
        "au plus 12 caractères",
        "au moins 2 chiffres",
        "uniquement des lettres sans accent et des chiffres",
        "différent de votre identifiant",
    ]
    assert passwords.refusals("hashIterations(27500) and passwordHistory(3)", "a", username="u", email="e") == []
    assert passwords.refusals("regexPattern(^\\p{L}+$)", "abc", username="u", email="e") == []  # Java-only syntax
