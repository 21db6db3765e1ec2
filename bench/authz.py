#!/usr/bin/env python3
"""The authorization API under load (issue 11), in one run on one machine:

a firm with 10,000 establishments in its portfolio, 2,000 of them under an active mandate,
50 collaborators in 10 delegation profiles; the provisioner as deployed (gunicorn, 4 workers, on
PostgreSQL); a relying app registered as docs/authorization.md says. A mixed stream of evaluations
(allowed and denied: the administrator, collaborators within and outside their profiles, clients
with and without a mandate, the firm's own establishment):

- evaluations per second with 8 concurrent clients; target at least 1,500/s;
- server time (``Server-Timing``) of single evaluations one at a time: p50 and p99; target p99
  under 10 ms;
- a batch of 100 evaluations (``/access/v1/evaluations``): server time p50; target under 20 ms;
- the same stream answered by Keycloak's token introspection endpoint (the cheapest call a relying
  app could make instead, which knows nothing of mandates), same clients: the ratio.

Starts Keycloak (in memory) and PostgreSQL as ``bench/scale.py`` does. Writes the section
"## Authorization API" of docs/benchmarks.md.

    .venv/bin/python bench/authz.py            # the issue's sizes (about 5 minutes)
    .venv/bin/python bench/authz.py --no-doc --seconds 5
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docs_section import replace_section  # noqa: E402
from bench.load import provisioner_under_gunicorn  # noqa: E402
from bench.scale import _apply_all, stack  # noqa: E402
from bench.wrk import rate  # noqa: E402
from provisioner.accounts import schemas, services  # noqa: E402
from provisioner.accounts.models import Person  # noqa: E402
from provisioner.actors import Actor  # noqa: E402
from provisioner.context import Context  # noqa: E402
from provisioner.db import Database  # noqa: E402
from provisioner.delegations.models import DelegationProfile  # noqa: E402
from provisioner.mandates.models import ACTIVE, Mandate  # noqa: E402
from provisioner.people import services as people  # noqa: E402
from provisioner.people.schemas import CollaboratorIn  # noqa: E402
from provisioner.portals import load_portal  # noqa: E402
from provisioner.portfolios.models import Establishment  # noqa: E402
from provisioner.settings import Settings  # noqa: E402

APP_ID, APP_SECRET = "bench-relying-app", "bench-relying-app-secret"
LOGIN_ID = "bench-login"
PASSWORD = "Bench2026"


def siret(n: int) -> str:
    from stdnum import luhn

    siren = f"9{n:07d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


def seed(
    db: Database, settings: Settings, establishments: int, mandates: int, collaborators: int, profiles: int
) -> dict[str, Any]:
    """The firm, its portfolio, mandates, people and profiles; the people in Keycloak."""
    portal = load_portal(settings.keycloak_config_dir, settings.keycloak_realm)
    actor = Actor.system("bench")
    login = f"cabinet{uuid.uuid4().hex[:6]}"
    with db.session() as session:
        ctx = Context(session, portal, actor)
        body = {
            "login": login,
            "identifier": "73282932000074",
            "company_name": "CABINET BENCH",
            "company_type": "expert-comptable",
            "status": "open",
            "responsible": {"last_name": "BENCH", "first_name": "Admin", "email": f"{login}@example.org"},
            "teleprocedures": {"DSN": None, "DPAE": None},
        }
        firm = services.create_principal(ctx, schemas.PrincipalIn.model_validate(body))
        team = [
            people.add_collaborator(
                ctx,
                firm,
                CollaboratorIn(
                    email=f"{login}.c{n}@example.org",
                    first_name=f"Collab{n}",
                    last_name="BENCH",
                    roles=["declarant:DSN", "declarant:DPAE"],
                ),
            )
            for n in range(collaborators)
        ]
        session.flush()
        firm_id, team_ids = firm.id, [p.id for p in team]
        sirets = [siret(n) for n in range(establishments)]
        entries = [
            Establishment(
                portal=portal.realm,
                firm_id=firm_id,
                identifier=s,
                company_name=f"CLIENT {n}",
                partner_group="AG2R",
                monthly_deadline=5 if n % 2 else 15,
                source="mandate",
            )
            for n, s in enumerate(sirets)
        ]
        session.add_all(entries)
        today = dt.date.today()
        session.add_all(
            Mandate(
                portal=portal.realm,
                firm_id=firm_id,
                identifier=s,
                company_name=f"CLIENT {n}",
                address_line1="1 rue",
                postcode="75001",
                city="Paris",
                teleprocedures=["DSN"],
                starts_on=today,
                status=ACTIVE,
                key_hash=uuid.uuid4().hex,
                activated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            )
            for n, s in enumerate(sirets[:mandates])
        )
        session.flush()
        per_profile = collaborators // profiles
        share = mandates // profiles
        for k in range(profiles):
            profile = DelegationProfile(
                portal=portal.realm, firm_id=firm_id, name=f"Profil {k}", teleprocedures=["DSN"]
            )
            profile.establishments = entries[k * share : (k + 1) * share]
            profile.members = team[k * per_profile : (k + 1) * per_profile]
            session.add(profile)
    _apply_all(db, settings, workers=2)
    with db.read_sessions() as session:
        subjects = {p.id: p.keycloak_user_id for p in session.query(Person).filter(Person.account_id == firm_id)}
        holder = session.query(Person).filter(Person.account_id == firm_id, Person.kind == "holder").one()
    return {
        "firm_id": firm_id,
        "holder": holder.keycloak_user_id,
        "holder_login": holder.username,
        "team": [subjects[i] for i in team_ids],
        "sirets": sirets,
        "mandates": mandates,
        "per_profile": per_profile,
        "share": share,
    }


def register_clients(settings: Settings) -> None:
    """The relying app (a service account with the ``portail-authz`` scope) and, for the
    introspection comparison, a login client whose user tokens the app introspects."""
    from provisioner.keycloak.gateway import config_admin

    rest = config_admin(settings)
    base = f"admin/realms/{settings.keycloak_realm}"
    rest.post(
        f"{base}/clients",
        {
            "clientId": APP_ID,
            "secret": APP_SECRET,
            "publicClient": False,
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
        },
    )
    (client,) = rest.get(f"{base}/clients", clientId=APP_ID)
    (scope,) = [s for s in rest.get(f"{base}/client-scopes") if s["name"] == "portail-authz"]
    rest.put(f"{base}/clients/{client['id']}/optional-client-scopes/{scope['id']}", {})
    rest.post(
        f"{base}/clients",
        {
            "clientId": LOGIN_ID,
            "publicClient": True,
            "directAccessGrantsEnabled": True,
            "standardFlowEnabled": False,
            # Keycloak introspects a token only for a client in its audience (since 26.6.2): the app's.
            "protocolMappers": [
                {
                    "name": "the relying app",
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-audience-mapper",
                    "config": {"included.client.audience": APP_ID, "access.token.claim": "true"},
                }
            ],
        },
    )


def app_token(settings: Settings) -> str:
    answer = requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        timeout=10,
        data={
            "grant_type": "client_credentials",
            "client_id": APP_ID,
            "client_secret": APP_SECRET,
            "scope": "portail-authz",
        },
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def user_token(settings: Settings, username: str) -> str:
    from provisioner.keycloak.gateway import KeycloakGateway

    gateway = KeycloakGateway(settings)
    user = gateway.find_user(username)
    assert user is not None
    gateway.set_password(user.id, PASSWORD)
    answer = requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        timeout=10,
        data={"grant_type": "password", "client_id": LOGIN_ID, "username": username, "password": PASSWORD},
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def questions(data: dict[str, Any], count: int, rng: random.Random) -> list[dict[str, Any]]:
    """The mixed stream: who asks about which establishment under DSN or DPAE."""
    sirets, mandates, share, per = data["sirets"], data["mandates"], data["share"], data["per_profile"]
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.2:  # the administrator, any client (mandated: yes; not: no_mandate)
            subject, siret_ = data["holder"], rng.choice(sirets)
        elif roll < 0.7:  # a collaborator within its profile: yes
            k = rng.randrange(len(data["team"]))
            profile = min(k // per, (mandates // share) - 1)
            subject, siret_ = data["team"][k], sirets[profile * share + rng.randrange(share)]
        elif roll < 0.9:  # a collaborator outside its profile: not_in_profile
            k = rng.randrange(len(data["team"]))
            subject, siret_ = data["team"][k], rng.choice(sirets[:mandates])
        else:  # the firm's own establishment
            subject, siret_ = rng.choice(data["team"]), "73282932000074"
        out.append(
            {
                "subject": {"type": "user", "id": subject},
                "resource": {"type": "establishment", "id": siret_},
                "action": {"name": "DSN" if rng.random() < 0.9 else "DPAE"},
            }
        )
    return out


def _server_ms(answer: requests.Response) -> float:
    return float(answer.headers["Server-Timing"].split("dur=")[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--establishments", type=int, default=10_000)
    parser.add_argument("--mandates", type=int, default=2_000)
    parser.add_argument("--collaborators", type=int, default=50)
    parser.add_argument("--profiles", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warm-up", type=float, default=120, help="seconds of the stream before measuring")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    from provisioner.devtools.keycloak_runtime import pinned_version
    from provisioner.logs import configure_logging

    configure_logging("WARNING", "console")
    rng = random.Random(20261207)
    with tempfile.TemporaryDirectory() as tmp, stack(None, Path(tmp)) as settings:
        db = Database(settings.database_url)
        print("seeding ...", flush=True)
        began = time.monotonic()
        from provisioner.devoutbox.services import start_smtp_sink

        sink = start_smtp_sink(db, "127.0.0.1", settings.smtp_port)  # the collaborators' invitations
        try:
            data = seed(db, settings, args.establishments, args.mandates, args.collaborators, args.profiles)
        finally:
            sink.stop()
        print(f"  {time.monotonic() - began:.0f} s", flush=True)
        register_clients(settings)
        with provisioner_under_gunicorn(settings.database_url, Path(tmp)) as url:
            token = app_token(settings)
            headers = {"Authorization": f"Bearer {token}"}
            stream = questions(data, 4000, rng)  # the questions relying apps ask, again and again
            fresh_stream = questions(data, 6000, random.Random(7))  # others, for first-time questions
            http = requests.Session()
            answers = [
                http.post(f"{url}/access/v1/evaluation", json=q, headers=headers, timeout=10) for q in stream[:400]
            ]
            assert all(a.status_code == 200 for a in answers), answers[0].text
            allowed = sum(1 for a in answers if a.json()["decision"])
            reasons = sorted({a.json()["context"]["reason"] for a in answers})

            def timed(path: str, body: dict[str, Any]) -> tuple[float, str]:
                answer = http.post(f"{url}{path}", json=body, headers=headers, timeout=30)
                assert answer.status_code == 200, answer.text[:300]
                timing = answer.headers["Server-Timing"]
                return float(timing.split("dur=")[1].split(",")[0]), timing.split('kept;desc="')[1].split('"')[0]

            # First-time questions (no worker has the answer): what the database path costs.
            cold = [timed("/access/v1/evaluation", q) for q in fresh_stream[:1000]]
            cold_single = [ms for ms, kept in cold if kept == "0/1"]
            cold_batches = [
                timed("/access/v1/evaluations", {"evaluations": fresh_stream[1000 + b * 100 : 1100 + b * 100]})
                for b in range(50)
            ]
            # The steady state: the stream asked until every worker has answered it (wrk), then
            # one at a time and in batches, and under load.
            bodies = [json.dumps(q) for q in stream]
            json_headers = {**headers, "Content-Type": "application/json"}
            endpoint = f"{url}/access/v1/evaluation"
            warm_up = rate(endpoint, bodies, json_headers, connections=args.clients, seconds=args.warm_up)
            print(f"  warm-up: {warm_up.per_second:.0f}/s, {warm_up.kept} kept, {warm_up.fresh} worked out", flush=True)
            steady = [timed("/access/v1/evaluation", q) for q in stream[:1000]]
            single = [ms for ms, _ in steady]
            kept_single = sum(1 for _, kept in steady if kept == "1/1")
            batches = [
                timed("/access/v1/evaluations", {"evaluations": stream[b * 100 : (b + 1) * 100]})[0] for b in range(40)
            ]
            ours = rate(endpoint, bodies, json_headers, connections=args.clients, seconds=args.seconds)
            assert ours.not_ok == 0, f"{ours.not_ok} answers were not 2xx"
            user_tokens = [user_token(settings, data["holder_login"])]  # fresh: tokens live minutes
            basic = base64.b64encode(f"{APP_ID}:{APP_SECRET}".encode()).decode()
            introspection = f"{settings.realm_issuer}/protocol/openid-connect/token/introspect"
            theirs = rate(
                introspection,
                [f"token={user_tokens[0]}"],
                {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
                connections=args.clients,
                seconds=args.seconds,
            )
            assert theirs.not_ok == 0, f"{theirs.not_ok} introspections were not 2xx"
            one_introspection = []
            for _ in range(200):
                t0 = time.perf_counter()
                answer = http.post(introspection, data={"token": user_tokens[0]}, auth=(APP_ID, APP_SECRET), timeout=10)
                assert answer.status_code == 200 and answer.json().get("active"), answer.text[:200]
                one_introspection.append((time.perf_counter() - t0) * 1000)
    introspections = theirs.per_second
    ratio = ours.per_second / introspections if introspections else float("nan")
    kept_share = ours.kept / max(1, ours.kept + ours.fresh)
    verdicts = [
        f"- evaluations per second, {args.clients} connections, steady state ({kept_share:.0%} kept): "
        f"{ours.per_second:.0f} (target at least 1500): {'met' if ours.per_second >= 1500 else 'not met'}",
        f"- one evaluation, server time p99, steady state: {pct(single, 0.99):.2f} ms (target under 10 ms): "
        f"{'met' if pct(single, 0.99) < 10 else 'not met'}",
        f"- a batch of 100, server time p50, steady state: {statistics.median(batches):.1f} ms (target under 20 ms): "
        f"{'met' if statistics.median(batches) < 20 else 'not met'}",
        f"- a first-time question (nothing kept), server time p99: {pct(cold_single, 0.99):.2f} ms "
        f"(target under 10 ms): {'met' if pct(cold_single, 0.99) < 10 else 'not met'}",
        f"- a batch of 100 first-time questions, server time p50: {statistics.median(ms for ms, _ in cold_batches):.1f} ms "
        f"(target under 20 ms): {'met' if statistics.median(ms for ms, _ in cold_batches) < 20 else 'not met'}",
        f"- against Keycloak's token introspection, same load generator: {ratio:.2f}x its {introspections:.0f} calls/s",
    ]
    print("\n".join(verdicts))
    if not args.no_doc:
        body = f"""`bench/authz.py` ({dt.date.today().isoformat()}, Keycloak {pinned_version()} in-memory, PostgreSQL,
the provisioner under gunicorn with 4 workers, Python {platform.python_version()}, 2 cores shared by
Keycloak, PostgreSQL, the provisioner and the load generator, `wrk`). A firm with {args.establishments}
establishments, {args.mandates} active mandates, {args.collaborators} collaborators in {args.profiles} delegation
profiles; a stream of {len(stream)} evaluations mixing the administrator, collaborators within and outside their
profiles, clients with and without mandate and the firm's own establishment ({allowed} of the first 400
allowed; reasons seen: {", ".join(reasons)}), asked again and again as relying apps do. Each worker keeps
its decisions while no right changes (docs/authorization.md, "Speed"); first-time questions are
measured apart, from a stream no worker had seen.

| measure | value |
|---|---|
| evaluations/s, {args.clients} connections (`wrk`), {args.seconds:.0f} s, steady state | {ours.per_second:.0f} |
| of which answered from a worker's kept decisions | {kept_share:.0%} |
| one evaluation, server time (`Server-Timing`) p50 / p99, steady state ({kept_single} of {len(steady)} kept) | {statistics.median(single):.2f} / {pct(single, 0.99):.2f} ms |
| a batch of 100 evaluations, server time p50 / max, steady state | {statistics.median(batches):.1f} / {max(batches):.1f} ms |
| a first-time evaluation, server time p50 / p99 | {statistics.median(cold_single):.2f} / {pct(cold_single, 0.99):.2f} ms |
| a batch of 100 first-time evaluations, server time p50 / max | {statistics.median(ms for ms, _ in cold_batches):.1f} / {max(ms for ms, _ in cold_batches):.1f} ms |
| Keycloak token introspection, calls/s, same load generator | {introspections:.0f} |
| one introspection, round trip p50 / p99 (one Python client) | {statistics.median(one_introspection):.2f} / {pct(one_introspection, 0.99):.2f} ms |
| evaluations/s ÷ introspections/s | {ratio:.2f} |

Verdicts:
""" + "\n".join(verdicts)
        replace_section("## Authorization API", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
