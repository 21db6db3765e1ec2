"""Application factory: the composition root, the one place that names every feature's web side."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel, get_locale
from flask_wtf import CSRFProtect

from provisioner.db import Database
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.logs import configure_logging
from provisioner.settings import Settings, load_settings
from provisioner.web import errors, headers, i18n, state

csrf = CSRFProtect()


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
        # The largest request body (a client spreadsheet of 100,000 rows is about 10 MB): 413 above.
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
    )
    if settings.trusted_proxies:  # the client's address, not the proxy's (rate limits per address)
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    app.extensions["portail.settings"] = settings
    app.extensions["portail.db"] = Database(settings.database_url)
    app.extensions["portail.keycloak"] = KeycloakGateway(settings)
    Babel(app, locale_selector=i18n.select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["lang_url"] = i18n.lang_url
    app.jinja_env.globals["locales"] = i18n.LOCALES
    app.before_request(state.select_portal)  # first: everything after works for that portal
    csrf.init_app(app)
    errors.install(app)
    headers.install(app, settings)

    from provisioner.accounts import actors
    from provisioner.accounts.api import bp as accounts_api
    from provisioner.accounts.settings_views import bp as account_settings_pages
    from provisioner.accounts.views import bp as accounts_pages
    from provisioner.admin.views import backchannel_logout
    from provisioner.admin.views import bp as admin_pages
    from provisioner.authorization.api import bp as authorization_api
    from provisioner.authorization.api import coverage_api
    from provisioner.authorization.views import bp as coverage_pages
    from provisioner.catalogue.api import bp as catalogue_api
    from provisioner.delegations.api import bp as delegations_api
    from provisioner.delegations.views import bp as delegation_pages
    from provisioner.filings.api import bp as filings_api
    from provisioner.health.views import bp as health
    from provisioner.mandates.api import bp as mandates_api
    from provisioner.mandates.views import bp as mandate_pages
    from provisioner.people.api import bp as people_api
    from provisioner.people.views import bp as people_pages
    from provisioner.phone.api import bp as phone_api
    from provisioner.phone.views import bp as phone_pages
    from provisioner.portfolios.api import bp as portfolios_api
    from provisioner.portfolios.views import bp as portfolio_pages
    from provisioner.registration.api import bp as registration_api
    from provisioner.registration.views import bp as registration_pages
    from provisioner.requests.views import bp as request_pages
    from provisioner.sms.api import bp as sms_api
    from provisioner.transfers.api import bp as transfers_api
    from provisioner.web.openapi import bp as openapi

    actors.register(app)  # what a signed-in user may do: the accounts feature knows
    app.register_blueprint(health)
    for api in (
        accounts_api,
        people_api,
        phone_api,
        catalogue_api,
        portfolios_api,
        filings_api,
        mandates_api,
        delegations_api,
        authorization_api,
        coverage_api,
        transfers_api,
        registration_api,
    ):
        csrf.exempt(api)  # bearer tokens, no cookies: CSRF cannot apply
        app.register_blueprint(api)
    app.register_blueprint(openapi)
    # The administration UI: forms carry CSRF tokens.
    for pages in (
        admin_pages,
        accounts_pages,
        account_settings_pages,
        people_pages,
        phone_pages,
        request_pages,
        portfolio_pages,
        mandate_pages,
        delegation_pages,
        coverage_pages,
        registration_pages,
    ):
        app.register_blueprint(pages)
    csrf.exempt(backchannel_logout)  # called by Keycloak with a signed logout token, not from a browser
    csrf.exempt(sms_api)  # called by Keycloak with a shared secret, not from a browser
    app.register_blueprint(sms_api)
    if settings.dev_mode:
        from provisioner.demo.relying_app import bp as demo_app
        from provisioner.devoutbox.views import bp as devoutbox

        app.register_blueprint(devoutbox)
        app.register_blueprint(demo_app)
    return app
