"""What is measured: the provisioner's workload on one realm, every answer checked.

Phases, in order (``scenario()``): realms, groups, users, group membership, realm roles and
mappings (this module); counts, paginated listings and searches (``queries``); attribute
update, sessions, logout and deletions (``lifecycle``). Each phase reads and fills a
``State``: the ids created so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.kc_versions import lifecycle, queries
from bench.kc_versions.client import Admin, created_id, safe_json
from bench.kc_versions.config import N_DEPTS, OWNER_ATTR, OWNER_VALUE


@dataclass
class State:
    adm: Admin
    realm: str
    n: int
    n_sessions: int
    extra_realms: int
    extra: list[str] = field(default_factory=list)  # the extra realms' names
    groups: list[str | None] = field(default_factory=list)  # ids, None where creation failed
    users: list[str | None] = field(default_factory=list)
    reps: dict[int, dict[str, Any]] = field(default_factory=dict)  # users as read back, when right
    roles: list[dict[str, Any] | None] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/{self.realm}"

    @property
    def n_roles(self) -> int:
        return max(5, self.n // 10)


def scenario(adm: Admin, realm: str, n: int, n_sessions: int, extra_realms: int) -> None:
    """The provisioner's workload on one realm. Timed by ``adm.rec`` (unless disabled)."""
    s = State(adm, realm, n, n_sessions, extra_realms)
    create_realms(s)
    create_groups(s)
    create_users(s)
    add_members(s)
    roles_and_mappings(s)
    queries.counts_and_listings(s)
    queries.user_searches(s)
    queries.group_members(s)
    lifecycle.update_attributes(s)
    lifecycle.sessions(s)
    lifecycle.delete_users(s)
    lifecycle.delete_realms(s)


# 'matricule' is the unpadded index: an exact q=matricule:1 must not return 10, 1xx...
def user_rep(i: int) -> dict[str, Any]:
    return {
        "username": f"bench.u{i}",
        "email": f"bench.u{i}@example.org",
        "firstName": f"Prénom{i}",
        "lastName": f"Nom-{i}",
        "enabled": True,
        "emailVerified": True,
        "attributes": {
            "matricule": [str(i)],
            "dept": [f"D{i % N_DEPTS}"],
            "siret": [f"{73282932000074 + i:014d}"],
            OWNER_ATTR: [OWNER_VALUE],
        },
    }


def in_group_at_creation(i: int) -> bool:
    return i % 4 == 0


def create_realms(s: State) -> None:
    """The realm (and extra throw-away ones), its user profile and a login client."""
    adm, R, realm = s.adm, s.path, s.realm
    adm.call(
        "realm_create",
        "POST",
        "",
        expect=(201,),
        json={"realm": realm, "enabled": True, "displayName": "Bench"},
    )
    extra = s.extra = [f"{realm}-x{k}" for k in range(s.extra_realms)]
    for name in extra:
        adm.call("realm_create", "POST", "", expect=(201,), json={"realm": name, "enabled": True})

    # user profile: let the provisioner's attributes through (unmanaged attributes are
    # dropped by default since Keycloak 24). Setup, not timed.
    r = adm.call("setup", "GET", f"{R}/users/profile", timed=False)
    up = safe_json(adm, "setup", r)
    if isinstance(up, dict):
        up["unmanagedAttributePolicy"] = "ENABLED"
        adm.call("setup", "PUT", f"{R}/users/profile", expect=(200, 204), json=up, timed=False)
    # a public client allowing password grant, to create real user sessions (setup)
    adm.call(
        "setup",
        "POST",
        f"{R}/clients",
        expect=(201,),
        timed=False,
        json={
            "clientId": "bench-cli",
            "publicClient": True,
            "directAccessGrantsEnabled": True,
            "standardFlowEnabled": False,
            "enabled": True,
        },
    )


def create_groups(s: State) -> None:
    """N groups with attributes, then PUT and GET each one."""
    adm, R, n = s.adm, s.path, s.n
    groups = s.groups
    for i in range(n):
        r = adm.call(
            "group_create",
            "POST",
            f"{R}/groups",
            expect=(201,),
            json={
                "name": f"grp-{i:05d}",
                "attributes": {"code": [f"G{i}"], OWNER_ATTR: [OWNER_VALUE]},
            },
        )
        groups.append(created_id(adm, "group_create", r))
    for i, gid in enumerate(groups):  # PUT name + full attributes, as update_group does
        if gid is None:
            continue
        adm.call(
            "group_update",
            "PUT",
            f"{R}/groups/{gid}",
            expect=(204,),
            json={
                "name": f"grp-{i:05d}",
                "attributes": {"code": [f"G{i}"], OWNER_ATTR: [OWNER_VALUE], "siren": [f"{i:09d}"]},
            },
        )
    for i, gid in enumerate(groups):
        if gid is None:
            continue
        g = safe_json(adm, "group_get", adm.call("group_get", "GET", f"{R}/groups/{gid}"))
        if g is not None:
            adm.check(
                "group_get",
                g.get("name") == f"grp-{i:05d}"
                and (g.get("attributes") or {}).get("code") == [f"G{i}"]
                and (g.get("attributes") or {}).get("siren") == [f"{i:09d}"],
                f"group {i} name/attributes after update",
                g,
            )


def create_users(s: State) -> None:
    """N users (some created straight into their group), then GET and check each one."""
    adm, R, n, groups = s.adm, s.path, s.n, s.groups
    users = s.users
    for i in range(n):
        if in_group_at_creation(i) and groups and groups[i % len(groups)]:
            body = {**user_rep(i), "groups": [f"/grp-{i % len(groups):05d}"]}
            r = adm.call("user_create_in_group", "POST", f"{R}/users", expect=(201,), json=body)
            users.append(created_id(adm, "user_create_in_group", r))
        else:
            r = adm.call("user_create", "POST", f"{R}/users", expect=(201,), json=user_rep(i))
            users.append(created_id(adm, "user_create", r))
    reps = s.reps
    for i, uid in enumerate(users):
        if uid is None:
            continue
        u = safe_json(adm, "user_get", adm.call("user_get", "GET", f"{R}/users/{uid}"))
        if u is None:
            continue
        want = user_rep(i)
        attrs = u.get("attributes") or {}
        ok = (
            u.get("username") == want["username"]
            and u.get("email") == want["email"]
            and u.get("firstName") == want["firstName"]
            and u.get("lastName") == want["lastName"]
            and all(attrs.get(k) == v for k, v in want["attributes"].items())
        )
        if adm.check("user_get", ok, f"user {i} fields/attributes", u):
            reps[i] = u


def add_members(s: State) -> None:
    """Group membership: user i -> group i % n_groups."""
    adm, R, groups, users = s.adm, s.path, s.groups, s.users
    for i, uid in enumerate(users):
        gid = groups[i % len(groups)] if groups else None
        if uid and gid and not in_group_at_creation(i):
            adm.call("group_member_add", "PUT", f"{R}/users/{uid}/groups/{gid}", expect=(204,))
    for i, uid in enumerate(users):
        gid = groups[i % len(groups)] if groups else None
        if not uid:
            continue
        res = safe_json(
            adm,
            "user_groups_get",
            adm.call(
                "user_groups_get",
                "GET",
                f"{R}/users/{uid}/groups",
                params={"briefRepresentation": "true"},
            ),
        )
        if res is not None:
            adm.check(
                "user_groups_get",
                {g.get("id") for g in res} == {gid} - {None},
                f"user {i} groups",
                [g.get("name") for g in res],
            )


def roles_and_mappings(s: State) -> None:
    """Realm roles, their listing, role mappings added, read, listed per role, removed."""
    adm, R, n, n_roles, users = s.adm, s.path, s.n, s.n_roles, s.users
    roles = s.roles
    for j in range(n_roles):
        name = f"role-{j:03d}"
        adm.call(
            "role_create",
            "POST",
            f"{R}/roles",
            expect=(201,),
            json={"name": name, "description": f"bench role {j}"},
        )
        rr = safe_json(adm, "role_get", adm.call("role_get", "GET", f"{R}/roles/{name}"))
        if rr is not None and adm.check("role_get", rr.get("name") == name and rr.get("id"), f"role {name}", rr):
            roles.append({"id": rr["id"], "name": name})
        else:
            roles.append(None)
    for _ in range(10):
        res = safe_json(
            adm,
            "roles_list",
            adm.call("roles_list", "GET", f"{R}/roles", params={"briefRepresentation": "false"}),
        )
        if res is not None:
            names = {x.get("name") for x in res}
            adm.check(
                "roles_list",
                {r["name"] for r in roles if r} <= names,
                f"roles list lacks bench roles ({len(res)} roles)",
                sorted(names)[:40],
            )
    for i, uid in enumerate(users):
        role = roles[i % n_roles]
        if uid and role:
            adm.call(
                "role_mapping_add",
                "POST",
                f"{R}/users/{uid}/role-mappings/realm",
                expect=(204,),
                json=[role],
            )
    for i, uid in enumerate(users):
        role = roles[i % n_roles]
        if not (uid and role):
            continue
        rm = safe_json(
            adm,
            "role_mapping_get",
            adm.call("role_mapping_get", "GET", f"{R}/users/{uid}/role-mappings/realm"),
        )
        if rm is not None:
            adm.check(
                "role_mapping_get",
                role["name"] in {x.get("name") for x in rm},
                f"user {i} lacks {role['name']}",
                rm,
            )

    for j, role in enumerate(roles):
        if role is None:
            continue
        expected = {users[i] for i in range(n) if i % n_roles == j} - {None}
        res = safe_json(
            adm,
            "role_users_list",
            adm.call(
                "role_users_list",
                "GET",
                f"{R}/roles/{role['name']}/users",
                params={"first": "0", "max": str(n + 10)},
            ),
        )
        if res is not None:
            adm.check(
                "role_users_list",
                {u.get("id") for u in res} == expected,
                f"{role['name']}: {len(res)} users, expected {len(expected)}",
                [u.get("username") for u in res][:20],
            )

    for i, uid in enumerate(users):  # remove_realm_roles on every other user
        role = roles[i % n_roles]
        if not (uid and role and i % 2 == 0):
            continue
        if adm.call(
            "role_mapping_remove",
            "DELETE",
            f"{R}/users/{uid}/role-mappings/realm",
            expect=(204,),
            json=[role],
        ):
            rm = safe_json(
                adm,
                "role_mapping_remove",
                adm.call("verify", "GET", f"{R}/users/{uid}/role-mappings/realm", timed=False),
            )
            if rm is not None:
                adm.check(
                    "role_mapping_remove",
                    role["name"] not in {x.get("name") for x in rm},
                    f"user {i} still has {role['name']}",
                    rm,
                )
