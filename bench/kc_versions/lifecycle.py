"""What is measured, continued: attribute update, sessions and logout, deletions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.kc_versions.client import safe_json
from bench.kc_versions.config import N_DEPTS, USER_PASSWORD

if TYPE_CHECKING:
    from bench.kc_versions.scenario import State


def update_attributes(s: State) -> None:
    """PUT each user's full representation, as read, with changed attributes."""
    adm, R, users, reps = s.adm, s.path, s.users, s.reps
    for i, uid in enumerate(users):
        rep = reps.get(i)
        if not (uid and rep):
            continue
        body = dict(rep)
        attrs = {k: list(v) for k, v in (rep.get("attributes") or {}).items()}
        attrs["dept"] = [f"U{i % N_DEPTS}"]
        attrs["majLe"] = ["2026-01-01"]
        body["attributes"] = attrs
        if adm.call("user_update_attrs", "PUT", f"{R}/users/{uid}", expect=(204,), json=body):
            u = safe_json(adm, "user_update_attrs", adm.call("verify", "GET", f"{R}/users/{uid}", timed=False))
            if u is not None:
                a = u.get("attributes") or {}
                adm.check(
                    "user_update_attrs",
                    a.get("dept") == [f"U{i % N_DEPTS}"]
                    and a.get("majLe") == ["2026-01-01"]
                    and a.get("matricule") == [str(i)]
                    and u.get("email") == rep.get("email")
                    and u.get("firstName") == rep.get("firstName"),
                    f"user {i} after update",
                    u,
                )


def sessions(s: State) -> None:
    """Log a few users in, then read sessions and credentials, and log everybody out."""
    adm, R, n = s.adm, s.path, s.n
    realm, n_sessions, users = s.realm, s.n_sessions, s.users
    logged = [i for i in range(min(n_sessions, n)) if users[i]]
    for i in logged:
        adm.call(
            "user_reset_password",
            "PUT",
            f"{R}/users/{users[i]}/reset-password",
            expect=(204,),
            json={"type": "password", "value": USER_PASSWORD, "temporary": False},
        )
    logged_set = set(logged)
    for i, uid in enumerate(users):
        if uid is None:
            continue
        res = safe_json(
            adm,
            "user_credentials_get",
            adm.call("user_credentials_get", "GET", f"{R}/users/{uid}/credentials"),
        )
        if res is not None:
            has = any(c.get("type") == "password" for c in res)
            adm.check(
                "user_credentials_get",
                has == (i in logged_set),
                f"user {i}: password credential {has}, expected {i in logged_set}",
                res,
            )
    for i in logged:
        adm.call(
            "token_password_grant",
            "POST",
            f"/realms/{realm}/protocol/openid-connect/token",
            admin=False,
            expect=(200,),
            data={
                "grant_type": "password",
                "client_id": "bench-cli",
                "username": f"bench.u{i}",
                "password": USER_PASSWORD,
            },
        )
    for i, uid in enumerate(users):
        if uid is None:
            continue
        res = safe_json(
            adm,
            "user_sessions_get",
            adm.call("user_sessions_get", "GET", f"{R}/users/{uid}/sessions"),
        )
        if res is not None:
            want = 1 if i in logged_set else 0
            adm.check(
                "user_sessions_get",
                len(res) == want,
                f"user {i}: {len(res)} sessions, expected {want}",
                res,
            )
    for uid in users:
        if uid:
            adm.call("user_logout", "POST", f"{R}/users/{uid}/logout", expect=(204,))
    for i in logged:
        res = safe_json(
            adm,
            "user_logout",
            adm.call("verify", "GET", f"{R}/users/{users[i]}/sessions", timed=False),
        )
        if res is not None:
            adm.check("user_logout", len(res) == 0, f"user {i}: {len(res)} sessions after logout", res)


def delete_users(s: State) -> None:
    """Delete every user, then check none is left."""
    adm, R, users = s.adm, s.path, s.users
    for uid in users:
        if uid:
            adm.call("user_delete", "DELETE", f"{R}/users/{uid}", expect=(204,))
    cnt = safe_json(adm, "user_delete", adm.call("verify", "GET", f"{R}/users/count", timed=False))
    if cnt is not None:
        adm.check("user_delete", cnt == 0, f"{cnt} users left after deletion", cnt)
    for uid in users[:5]:
        if uid:
            adm.call("user_delete", "GET", f"{R}/users/{uid}", expect=(404,), timed=False)


def delete_realms(s: State) -> None:
    """Delete the extra realms, then the bench realm."""
    adm, realm, extra = s.adm, s.realm, s.extra
    for name in extra + [realm]:
        adm.call("realm_delete", "DELETE", f"/{name}", expect=(204,))
