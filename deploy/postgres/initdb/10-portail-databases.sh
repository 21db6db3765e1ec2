#!/usr/bin/env bash
# First start of the PostgreSQL volume only (docker-entrypoint-initdb.d): one database and one
# login role per application, so Keycloak and the provisioner share the server but not their data.
# Passwords go through psql variables (:'name'), which quote them: no SQL built by string pasting.
set -euo pipefail

: "${KEYCLOAK_DB_PASSWORD:?KEYCLOAK_DB_PASSWORD is required}"
: "${PROVISIONER_DB_PASSWORD:?PROVISIONER_DB_PASSWORD is required}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v keycloak_db="${KEYCLOAK_DB_NAME:-keycloak}" \
  -v keycloak_user="${KEYCLOAK_DB_USER:-keycloak}" \
  -v keycloak_password="${KEYCLOAK_DB_PASSWORD}" \
  -v provisioner_db="${PROVISIONER_DB_NAME:-provisioner}" \
  -v provisioner_user="${PROVISIONER_DB_USER:-provisioner}" \
  -v provisioner_password="${PROVISIONER_DB_PASSWORD}" <<'SQL'
CREATE ROLE :"keycloak_user" LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE :"keycloak_db" OWNER :"keycloak_user" ENCODING 'UTF8';
REVOKE ALL ON DATABASE :"keycloak_db" FROM PUBLIC;

CREATE ROLE :"provisioner_user" LOGIN PASSWORD :'provisioner_password';
CREATE DATABASE :"provisioner_db" OWNER :"provisioner_user" ENCODING 'UTF8';
REVOKE ALL ON DATABASE :"provisioner_db" FROM PUBLIC;
SQL
