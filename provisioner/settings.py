"""Typed settings, read once from the environment (prefix ``PORTAIL_``).

A bad value fails loudly at start-up with the variable's name, never later at first use.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-not-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAIL_", frozen=True, extra="ignore")

    dev_mode: bool = False
    secret_key: SecretStr = SecretStr("")
    database_url: str = f"sqlite:///{REPO_ROOT / 'instance' / 'provisioner.sqlite'}"
    public_url: str = "http://localhost:5000"
    # Where each portal's pages are, when not the convention (the default portal at public_url,
    # another at the same address with the realm's name before the host: http://caisse-demo.localhost:5000).
    portal_urls: dict[str, str] = Field(default_factory=dict)

    keycloak_url: str = "http://localhost:8080"
    # Keycloak's address as browsers and token issuers know it (KC_HOSTNAME), when the provisioner
    # reaches Keycloak by another one (e.g. http://keycloak:8080 inside compose).
    keycloak_public_url: str | None = None
    # The default portal (its pages at public_url); every realm file of keycloak_config_dir is a
    # portal this provisioner serves.
    keycloak_realm: str = "portail-demo"
    keycloak_client_id: str = "portail-provisioner"
    keycloak_client_secret: SecretStr = SecretStr("")
    keycloak_timeout: float = Field(default=10.0, gt=0)
    # Connections one reconcile uses to create many new users of one account at once (bulk).
    keycloak_create_parallel: int = Field(default=4, ge=1, le=32)
    # Master-realm administrator: only for applying realm configuration, never used at runtime.
    keycloak_admin_username: str = "admin"
    keycloak_admin_password: SecretStr = SecretStr("")
    keycloak_config_dir: Path = REPO_ROOT / "keycloak-config"

    # The audience a token must carry to call /api/v1 (client scope portail-api of the realm files).
    api_audience: str = "portail-api"
    # The audience a relying app's token must carry to call the authorization API /access/v1
    # (client scope portail-authz of the realm files, requested with client credentials).
    authz_audience: str = "portail-authz"
    # The authorization API's decisions kept in each worker (0: none), each for as long as no
    # write changed any right (provisioner.db's rights generation) and at most this long.
    authz_cache_size: int = Field(default=200_000, ge=0)
    authz_cache_seconds: int = Field(default=300, ge=1, le=86_400)
    admin_ui_client_id: str = "portail-admin-ui"
    admin_ui_client_secret: SecretStr = SecretStr("")
    demo_app_client_id: str = "portail-demo-app"
    demo_app_client_secret: SecretStr = SecretStr("")

    smtp_host: str = "localhost"
    smtp_port: int = Field(default=2525, gt=0, lt=65536)
    # Reverse proxies in front of the provisioner that set X-Forwarded-For (each overwriting what
    # the client sent): the client's address (rate limits, audit) is read from that many hops.
    trusted_proxies: int = Field(default=0, ge=0, le=5)
    # Requests to an establishment's administrators (issue 10, item 5).
    admin_request_days: int = Field(default=7, ge=1, le=90)  # a request not handled by then expires
    admin_requests_per_ip_per_hour: int = Field(default=5, ge=1)
    admin_requests_per_person_per_day: int = Field(default=3, ge=1)
    mail_from: str = "no-reply@portail-comptes.localhost"

    # SMS: one gateway endpoint for the Keycloak extension, one provider chosen here.
    sms_gateway_secret: SecretStr = SecretStr("")
    sms_provider: Literal["dev", "twilio", "ovh"] = "dev"
    sms_timeout: float = Field(default=5.0, gt=0, le=30)
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr = SecretStr("")
    twilio_from: str = ""
    ovh_endpoint: str = "https://eu.api.ovh.com/1.0"
    ovh_application_key: str = ""
    ovh_application_secret: SecretStr = SecretStr("")
    ovh_consumer_key: SecretStr = SecretStr("")
    ovh_service_name: str = ""
    ovh_sender: str = ""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    @model_validator(mode="after")
    def _dev_defaults_or_required(self) -> Settings:
        secrets = (
            "secret_key",
            "keycloak_client_secret",
            "admin_ui_client_secret",
            "demo_app_client_secret",
            "keycloak_admin_password",
            "sms_gateway_secret",
        )
        missing = [name for name in secrets if not getattr(self, name).get_secret_value()]
        if self.dev_mode:
            # Frozen model: dev defaults are filled in through object.__setattr__ once, here.
            for name in missing:
                value = "admin" if name == "keycloak_admin_password" else DEV_SECRET
                object.__setattr__(self, name, SecretStr(value))
        elif {"secret_key", "keycloak_client_secret", "sms_gateway_secret"} & set(missing):
            raise ValueError(
                "PORTAIL_SECRET_KEY, PORTAIL_KEYCLOAK_CLIENT_SECRET and PORTAIL_SMS_GATEWAY_SECRET "
                "must be set (or PORTAIL_DEV_MODE=true for local development)"
            )
        if self.sms_provider == "dev" and not self.dev_mode:
            raise ValueError(
                "PORTAIL_SMS_PROVIDER=dev keeps codes in the database instead of sending them: it is for "
                "development only; set PORTAIL_SMS_PROVIDER=twilio or ovh (and its credentials) in production"
            )
        if self.sms_provider == "twilio" and not (self.twilio_account_sid and self.twilio_from):
            raise ValueError("PORTAIL_SMS_PROVIDER=twilio needs PORTAIL_TWILIO_ACCOUNT_SID and PORTAIL_TWILIO_FROM")
        if self.sms_provider == "ovh" and not (self.ovh_application_key and self.ovh_service_name):
            raise ValueError("PORTAIL_SMS_PROVIDER=ovh needs PORTAIL_OVH_APPLICATION_KEY and PORTAIL_OVH_SERVICE_NAME")
        return self

    @property
    def portal_realms(self) -> tuple[str, ...]:
        """The portals this deployment serves: one per realm file of ``keycloak_config_dir``."""
        return _realms_in(self.keycloak_config_dir)

    def portal_url(self, realm: str) -> str:
        """Where the pages of the portal ``realm`` are (its admin UI, its public pages)."""
        if realm in self.portal_urls:
            return self.portal_urls[realm].rstrip("/")
        if realm == self.keycloak_realm:
            return self.public_url.rstrip("/")
        scheme, _, rest = self.public_url.rstrip("/").partition("://")
        return f"{scheme}://{realm}.{rest}"

    def for_portal(self, realm: str) -> Settings:
        """These settings as one portal of the deployment sees them: its realm, its pages' URL.
        (Secrets are the deployment's: the realm files give every portal's clients the same.)"""
        if realm == self.keycloak_realm:
            return self
        every = {*self.portal_realms, self.keycloak_realm, realm}
        urls = {name: self.portal_url(name) for name in every}  # the copy knows every portal's address
        return self.model_copy(update={"keycloak_realm": realm, "public_url": urls[realm], "portal_urls": urls})

    def realm_of_issuer(self, issuer: str) -> str | None:
        """The realm whose tokens carry this ``iss``, if it is one of this Keycloak's."""
        prefix = f"{self.keycloak_public_url or self.keycloak_url}/realms/"
        name = issuer[len(prefix) :] if issuer.startswith(prefix) else ""
        return name if name and "/" not in name else None

    @property
    def realm_issuer(self) -> str:
        """Where the provisioner reaches the realm (discovery, keys, admin API)."""
        return f"{self.keycloak_url}/realms/{self.keycloak_realm}"

    @property
    def token_issuer(self) -> str:
        """The ``iss`` of the realm's tokens."""
        return f"{self.keycloak_public_url or self.keycloak_url}/realms/{self.keycloak_realm}"


@cache
def _realms_in(config_dir: Path) -> tuple[str, ...]:
    realms = []
    for path in sorted((config_dir / "realms").glob("*.json")):
        realm = json.loads(path.read_text(encoding="utf-8")).get("realm")
        if isinstance(realm, str) and realm:
            realms.append(realm)
    return tuple(realms)


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
