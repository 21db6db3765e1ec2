import pytest
from pydantic import ValidationError

from provisioner.settings import Settings


def test_production_requires_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAIL_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="PORTAIL_SECRET_KEY"):
        Settings(dev_mode=False)


def test_dev_mode_fills_dev_secrets() -> None:
    settings = Settings(dev_mode=True)
    assert settings.secret_key.get_secret_value()
    assert settings.keycloak_admin_password.get_secret_value() == "admin"


def test_bad_value_fails_loudly_with_the_variable_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAIL_SMTP_PORT", "not-a-port")
    with pytest.raises(ValidationError, match="smtp_port"):
        Settings(dev_mode=True)


def test_settings_are_frozen_and_secrets_hidden() -> None:
    settings = Settings(dev_mode=True, keycloak_client_secret="s3cr3t")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        settings.dev_mode = False  # type: ignore[misc]
    assert "s3cr3t" not in repr(settings)


def test_postgres_by_url() -> None:
    url = "postgresql+psycopg://u:p@db/provisioner"
    assert Settings(dev_mode=True, database_url=url).database_url == url


def test_tokens_are_checked_against_the_public_issuer_when_set() -> None:
    internal = Settings(dev_mode=True, keycloak_url="http://keycloak:8080")
    assert internal.token_issuer == internal.realm_issuer == "http://keycloak:8080/realms/portail-demo"
    public = Settings(
        dev_mode=True, keycloak_url="http://keycloak:8080", keycloak_public_url="https://connexion.example.fr"
    )
    assert public.realm_issuer == "http://keycloak:8080/realms/portail-demo"
    assert public.token_issuer == "https://connexion.example.fr/realms/portail-demo"
