"""Application factory."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, get_locale
from flask_wtf import CSRFProtect

from provisioner import web
from provisioner.db import Database
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.logs import configure_logging
from provisioner.settings import Settings, load_settings

csrf = CSRFProtect()


def _select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in web.LOCALES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in web.LOCALES:
        return str(session["lang"])
    return request.accept_languages.best_match(web.LOCALES) or "fr"


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key.get_secret_value(),
        BABEL_DEFAULT_LOCALE="fr",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
    )
    app.extensions["portail.settings"] = settings
    app.extensions["portail.db"] = Database(settings.database_url)
    app.extensions["portail.keycloak"] = KeycloakGateway(settings)
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["lang_url"] = web.lang_url
    csrf.init_app(app)
    web.install(app)

    from provisioner.accounts.api import bp as accounts_api
    from provisioner.catalogue.api import bp as catalogue_api
    from provisioner.health.views import bp as health_bp
    from provisioner.openapi import bp as openapi_bp

    app.register_blueprint(health_bp)
    csrf.exempt(accounts_api)  # bearer tokens, no cookies: CSRF cannot apply
    csrf.exempt(catalogue_api)  # idem
    app.register_blueprint(accounts_api)
    app.register_blueprint(catalogue_api)
    app.register_blueprint(openapi_bp)
    from provisioner.admin.views import bp as admin_bp

    app.register_blueprint(admin_bp)  # the administration UI: forms carry CSRF tokens
    from provisioner.sms.api import bp as sms_bp

    csrf.exempt(sms_bp)  # called by Keycloak with a shared secret, not from a browser
    app.register_blueprint(sms_bp)
    if settings.dev_mode:
        from provisioner.demo.relying_app import bp as demo_bp
        from provisioner.devoutbox.views import bp as devoutbox_bp

        app.register_blueprint(devoutbox_bp)
        app.register_blueprint(demo_bp)
    return app
