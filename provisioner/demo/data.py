"""Demo data taken from the seeds: ASPOne's "COMPTE ASP1ENT DEV" and its secondary accounts."""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "Demo2026"  # meets the demo realm policy: 6-12 letters/digits, 2 digits
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
