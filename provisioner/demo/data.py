"""Demo data taken from the seeds, one set per demo portal: ASPOne's "COMPTE ASP1ENT DEV" and its
secondary accounts (``portail-demo``, seed 000), connect's "Modèle SA" (``caisse-demo``, seed 002)
and a net-entreprises establishment (``declarants-demo``, seed 004)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "Demo2026"  # meets every demo portal's policy: 6-12 letters/digits, 2 digits
OPERATOR = "operateur"  # the portal's support desk (realm role portal-operator)

PRINCIPAL: dict[str, Any] = {
    "login": "asp1ent",
    "dossier_number": "22066",
    "identifier": "07955542100019",
    "company_name": "COMPTE ASP1ENT DEV",
    "company_type": "entreprise",
    "status": "open",
    "is_test": True,
    "secondary_quota": 40,
    "responsible": {
        "civility": "M.",
        "last_name": "DUPONT",
        "first_name": "Pierre",
        "email": "pierre.dupont@asp1ent.example",
        "phone": "01 49 09 87 37",
        "address": {
            "street_number": "56",
            "street_name": "rue de Billancourt",
            "complement": "complément adresse",
            "postal_code": "92100",
            "city": "BOULOGNE BILLANCOURT",
            "country": "FR",
        },
    },
    "technical_contact": {
        "name": "NOM TEST",
        "email": "technique@asp1ent.example",
        "phone": "0149098737",
    },
    "administrative_contact": {
        "name": "Pierre DUPONT",
        "email": "pierre.dupont@asp1ent.example",
        "phone": "0149098737",
    },
    "billing": {"date": "2008-06-27", "use_responsible_address": True},
    "services": {
        "statement_collection": True,
        "collection_error_alerts": True,
        "statement_inbox": "releves.asp1ent@aspone.example",
        "probative_archiving": True,
    },
    "teleprocedures": {"AED": None, "DADS-U": None, "DPAE": None, "DSN": None},
}

# Secondary accounts of the seed's list: (name, type, SIRET, company name, responsible, status, mailbox, teleprocedures)
SECONDARIES: list[tuple[str, str, str, str, str, str, bool, dict[str, Any]]] = [
    (
        "tbn1",
        "entreprise",
        "04140780000022",
        "TEST MIGRATION TBN ENT SECONDAIRE",
        "BRUN",
        "open",
        True,
        {"DSN": None},
    ),
    (
        "tbn2",
        "entreprise",
        "07955554600013",
        "COMPTE TBN 2 (SANS BAL)",
        "BRUN",
        "open",
        False,
        {"DSN": ["mensuelle"]},
    ),
    ("fdn25", "entreprise", "42872048600011", "TEST", "BRUN", "closed", False, {}),
    ("lvt", "entreprise", "42872048600011", "TEST LVT23", "VEUILLET", "closed", False, {}),
    ("sqdqd", "oga", "32122458600024", "EQFE", "QFD", "validated", False, {}),
]

COLLABORATOR_PHONE = "+33612345678"

COLLABORATOR = {
    "email": "lea.martin@asp1ent.example",
    "first_name": "Léa",
    "last_name": "MARTIN",
    "locale": "fr",
    "roles": ["declarant:DSN"],
}


# Secondary accounts as ``SECONDARIES`` lists them (name, type, SIRET, company name, responsible,
# status, mailbox, teleprocedures).
Secondary = tuple[str, str, str, str, str, str, bool, dict[str, Any]]


@dataclass(frozen=True)
class Demo:
    """One portal's demo accounts: a principal account, its secondaries, a collaborator with a
    mobile; ``logins`` says who signs in with what (the ``make run`` banner)."""

    principal: dict[str, Any]
    collaborator: dict[str, Any]
    collaborator_phone: str
    logins: list[tuple[str, str]]  # (username, who)
    secondaries: list[Secondary] = field(default_factory=list)
    domain: str = ""  # of the secondaries' e-mail addresses


# Seed 002: a Swiss compensation fund's "connect". People sign in with their e-mail address; the
# member number (numéro de membre) is the dossier number; the company identifier is the UID.
CAISSE = Demo(
    principal={
        "login": "modelesa",
        "dossier_number": "1283.220",
        "identifier": "CHE-116.281.710",
        "company_name": "Modèle SA",
        "company_type": "entreprise",
        "status": "open",
        "is_test": True,
        "responsible": {
            "civility": "M.",
            "last_name": "Modele",
            "first_name": "Gilbert",
            "email": "gilbert@modelesa.ch",
            "phone": "+41 21 123 45 67",
            "address": {
                "street_name": "Rue d'Exemple",
                "postal_code": "1000",
                "city": "Ville modèle",
                "country": "CH",
            },
        },
        "teleprocedures": {"SAL": None, "AF": None},
    },
    collaborator={
        "email": "anna.beispiel@modelesa.ch",
        "first_name": "Anna",
        "last_name": "Beispiel",
        "locale": "de",
        "roles": ["declarant:SAL"],
    },
    collaborator_phone="+41791112233",  # the seed's example number
    logins=[
        ("gilbert@modelesa.ch", "administrateur de Modèle SA ; 1re connexion : il enregistre son mobile"),
        ("anna.beispiel@modelesa.ch", "utilisatrice (déclaration des salaires), en allemand, code SMS"),
    ],
)

# Seed 004: a net-entreprises establishment; declarants sign in with SIRET, last name, first name.
DECLARANTS = Demo(
    principal={
        "login": "martin-boulangerie",
        "identifier": "73282932000074",
        "company_name": "BOULANGERIE MARTIN",
        "company_type": "entreprise",
        "status": "open",
        "is_test": True,
        "responsible": {
            "civility": "Mme",
            "last_name": "MARTIN",
            "first_name": "Claire",
            "email": "claire.martin@boulangerie-martin.example",
            "phone": "03 20 12 34 56",
            "address": {
                "street_number": "12",
                "street_name": "rue Nationale",
                "postal_code": "59000",
                "city": "LILLE",
                "country": "FR",
            },
        },
        "teleprocedures": {"DSN": None, "DSI": None, "DPAE": None},
    },
    secondaries=[
        (
            "lambersart",
            "entreprise",
            "73282932000801",
            "BOULANGERIE MARTIN LAMBERSART",
            "MARTIN",
            "open",
            False,
            {"DSN": None},
        ),
    ],
    domain="boulangerie-martin.example",
    collaborator={
        "email": "sophie.durand@boulangerie-martin.example",
        "first_name": "Sophie",
        "last_name": "DURAND",
        "locale": "fr",
        "roles": ["declarant:DSI"],
    },
    collaborator_phone="+33611223344",
    logins=[  # what to type on this portal: SIRET / last name / first name
        ("73282932000074 / MARTIN / Claire", "administratrice de l'établissement"),
        ("73282932000074 / DURAND / Sophie", "déclarante DSI, code SMS dans /dev/outbox"),
    ],
)

PORTAIL = Demo(
    principal=PRINCIPAL,
    secondaries=SECONDARIES,
    domain="asp1ent.example",
    collaborator=COLLABORATOR,
    collaborator_phone=COLLABORATOR_PHONE,
    logins=[
        ("asp1ent", "titulaire du compte principal (administrateur)"),
        ("tbn1.asp1ent", "compte secondaire avec BAL"),
        ("lea.martin@asp1ent.example", "collaboratrice (déclarante), code SMS dans /dev/outbox"),
    ],
)

# The demo set of each demo portal; any other portal (a file added to keycloak-config/realms/) gets
# its operator only.
DEMOS: dict[str, Demo] = {"portail-demo": PORTAIL, "caisse-demo": CAISSE, "declarants-demo": DECLARANTS}
