"""What is measured, continued: counts, paginated listings and searches (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bench.kc_versions.client import safe_json
from bench.kc_versions.config import N_DEPTS, OWNER_ATTR, OWNER_VALUE

if TYPE_CHECKING:
    from bench.kc_versions.scenario import State


def counts_and_listings(s: State) -> None:
    """users/count, users by pages, groups/count, exact group search, groups by attribute."""
    adm, R, n = s.adm, s.path, s.n
    groups, users = s.groups, s.users
    n_users_ok = len([u for u in users if u])
    for _ in range(10):
        cnt = safe_json(adm, "users_count", adm.call("users_count", "GET", f"{R}/users/count"))
        if cnt is not None:
            adm.check("users_count", cnt == n_users_ok, f"users/count={cnt}, expected {n_users_ok}", cnt)
    page = 20
    seen: list[Any] = []
    for first in range(0, n + page, page):
        res = safe_json(
            adm,
            "users_list_page",
            adm.call(
                "users_list_page",
                "GET",
                f"{R}/users",
                params={"first": str(first), "max": str(page), "briefRepresentation": "true"},
            ),
        )
        if res is not None:
            want = max(0, min(page, n_users_ok - first))
            adm.check(
                "users_list_page",
                len(res) == want,
                f"page first={first}: {len(res)} users, expected {want}",
                [u.get("username") for u in res],
            )
            seen.extend(u.get("id") for u in res)
    adm.check(
        "users_list_page",
        sorted(seen) == sorted(u for u in users if u),
        f"pagination: {len(seen)} ids seen ({len(set(seen))} distinct), expected {n_users_ok}",
    )
    n_groups_ok = len([g for g in groups if g])
    for _ in range(10):
        cnt = safe_json(adm, "groups_count", adm.call("groups_count", "GET", f"{R}/groups/count"))
        if cnt is not None:
            adm.check(
                "groups_count",
                isinstance(cnt, dict) and cnt.get("count") == n_groups_ok,
                f"groups/count={cnt}, expected {n_groups_ok}",
                cnt,
            )
    for i in range(0, n, 5):
        if groups[i] is None:
            continue
        res = safe_json(
            adm,
            "group_search",
            adm.call(
                "group_search",
                "GET",
                f"{R}/groups",
                params={"search": f"grp-{i:05d}", "exact": "true", "briefRepresentation": "false"},
            ),
        )
        if res is not None:
            adm.check(
                "group_search",
                [g.get("id") for g in res] == [groups[i]] and (res[0].get("attributes") or {}).get("code") == [f"G{i}"],
                f"groups?search=grp-{i:05d}&exact=true: {len(res)} results",
                [(g.get("name"), g.get("attributes")) for g in res][:10],
            )
    for _ in range(10):
        res = safe_json(
            adm,
            "groups_search_attr",
            adm.call(
                "groups_search_attr",
                "GET",
                f"{R}/groups",
                params={
                    "q": f"{OWNER_ATTR}:{OWNER_VALUE}",
                    "briefRepresentation": "false",
                    "max": "100000",
                },
            ),
        )
        if res is not None:
            got = {g.get("id") for g in res}
            adm.check(
                "groups_search_attr",
                got == {g for g in groups if g},
                f"groups?q={OWNER_ATTR}:{OWNER_VALUE}: {len(got)} groups, expected {n_groups_ok}",
                [g.get("name") for g in res][:20],
            )


def user_searches(s: State) -> None:
    """Users by exact username and email, by a unique and a shared attribute."""
    adm, R, n = s.adm, s.path, s.n
    users = s.users
    for i, uid in enumerate(users):
        res = safe_json(
            adm,
            "search_username",
            adm.call(
                "search_username",
                "GET",
                f"{R}/users",
                params={"username": f"bench.u{i}", "exact": "true"},
            ),
        )
        if res is not None:
            adm.check(
                "search_username",
                [u.get("id") for u in res] == [uid],
                f"username bench.u{i}: {len(res)} results",
                [u.get("username") for u in res],
            )
    for i, uid in enumerate(users):
        res = safe_json(
            adm,
            "search_email",
            adm.call(
                "search_email",
                "GET",
                f"{R}/users",
                params={"email": f"bench.u{i}@example.org", "exact": "true"},
            ),
        )
        if res is not None:
            adm.check(
                "search_email",
                [u.get("id") for u in res] == [uid],
                f"email bench.u{i}@example.org: {len(res)} results",
                [u.get("username") for u in res],
            )
    for i, uid in enumerate(users):
        res = safe_json(
            adm,
            "search_attr_unique",
            adm.call("search_attr_unique", "GET", f"{R}/users", params={"q": f"matricule:{i}"}),
        )
        if res is not None:
            adm.check(
                "search_attr_unique",
                [u.get("id") for u in res] == [uid],
                f"q=matricule:{i}: {len(res)} results",
                [u.get("username") for u in res],
            )
    for d in range(N_DEPTS):
        expected = {users[i] for i in range(n) if i % N_DEPTS == d} - {None}
        res = safe_json(
            adm,
            "search_attr_multi",
            adm.call(
                "search_attr_multi",
                "GET",
                f"{R}/users",
                params={"q": f"dept:D{d}", "max": str(n + 10)},
            ),
        )
        if res is not None:
            got = {u.get("id") for u in res}
            adm.check(
                "search_attr_multi",
                got == expected,
                f"q=dept:D{d}: {len(got)} results, expected {len(expected)}",
                sorted(u.get("username") for u in res)[:20],
            )


def group_members(s: State) -> None:
    """The members of every group."""
    adm, R, n = s.adm, s.path, s.n
    groups, users = s.groups, s.users
    for gi, gid in enumerate(groups):
        if gid is None:
            continue
        expected = {users[i] for i in range(n) if i % len(groups) == gi} - {None}
        res = safe_json(
            adm,
            "group_members_list",
            adm.call("group_members_list", "GET", f"{R}/groups/{gid}/members"),
        )
        if res is not None:
            adm.check(
                "group_members_list",
                {u.get("id") for u in res} == expected,
                f"group {gi}: {len(res)} members, expected {len(expected)}",
                [u.get("username") for u in res],
            )
