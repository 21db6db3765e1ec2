"""Constants shared by the Keycloak versions bench, and its log line."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / ".local" / "bench"
RESULTS_JSON = ROOT / "bench" / "results" / "keycloak_versions.json"
BENCH_DOC = ROOT / "docs" / "benchmarks.md"
SECTION_TITLE = "## Keycloak version (admin API latency)"

DEFAULT_VERSIONS = ["26.4.7", "26.5.6", "26.7.3"]
DEFAULT_BASELINE = "26.5.6"
DEFAULT_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64"
JDK17_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"
M2 = Path.home() / ".m2" / "repository" / "org" / "keycloak" / "keycloak-quarkus-dist"

HOST = "127.0.0.1"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin"
USER_PASSWORD = "Bench-Passw0rd!"
# the provisioner marks what it owns with this attribute (provisioner/keycloak/gateway.py)
OWNER_ATTR, OWNER_VALUE = "portail.managed-by", "portail-provisioner"
N_DEPTS = 10  # users carry the attribute dept=D<i % N_DEPTS>
HTTP_TIMEOUT = 60

# Operation order used for tables (timed pass).
OPS = [
    "realm_create",
    "group_create",
    "group_get",
    "group_update",
    "user_create",
    "user_create_in_group",
    "user_get",
    "group_member_add",
    "user_groups_get",
    "role_create",
    "role_get",
    "roles_list",
    "role_mapping_add",
    "role_mapping_get",
    "role_users_list",
    "role_mapping_remove",
    "users_count",
    "users_list_page",
    "groups_count",
    "group_search",
    "groups_search_attr",
    "search_username",
    "search_email",
    "search_attr_unique",
    "search_attr_multi",
    "group_members_list",
    "user_update_attrs",
    "user_reset_password",
    "user_credentials_get",
    "token_password_grant",
    "user_sessions_get",
    "user_logout",
    "user_delete",
    "realm_delete",
]
# Operations that are part of the "provisioner" workload summarised in the geometric mean.
# (token_password_grant is the end-user login used to create sessions; it is dominated by
# password hashing and is reported but kept out of the admin-API summary.)
SUMMARY_OPS = [op for op in OPS if op not in ("token_password_grant",)]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)
