"""Web plumbing every feature shares (the ground floor: it names no feature).

- ``state``: the request's database session, settings and Keycloak gateway;
- ``errors``: the one error mapping (JSON for the API, an error page for HTML);
- ``i18n``: the UI languages;
- ``api``: JSON bodies, query parameters, the services' context and "commit, then apply";
- ``tokens``: bearer tokens of the portal's realm, checked, turned into an ``Actor``;
- ``ui``: the administration UI's session, ``login_required`` and form helpers;
- ``menu``: the entries features add to the account page.
"""
