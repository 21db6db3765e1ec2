"""Demo data taken from the seeds: ASPOne's "COMPTE ASP1ENT DEV" and its secondary accounts."""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "Demo2026"  # meets the demo realm policy: 6-12 letters/digits, 2 digits

RESPONSIBLE = {
    "civility": "M.",
    "last_name": "DUPONT",
    "first_name": "Pierre",
    "street_number": "56",
    "street_name": "rue de Billancourt",
    "complement": "",
    "postal_code": "92100",
    "city": "BOULOGNE BILLANCOURT",
    "country": "FR",
    "email": "pierre.dupont@asp1ent.example",
    "phone": "+33149098737",
}

PRINCIPAL: dict[str, Any] = {
    "login": "asp1ent",
    "dossier_number": "22066",
    "identifier": "07955542100019",
    "company_name": "COMPTE ASP1ENT DEV",
    "company_type": "entreprise",
    "status": "open",
    "is_test": True,
    "secondary_quota": 40,
    "responsible": RESPONSIBLE,
    "technical_contact": {
        "name": "NOM TEST",
        "email": "technique@asp1ent.example",
        "phone": "+33149098737",
    },
    "administrative_contact": {
        "name": "Pierre DUPONT",
        "email": "pierre.dupont@asp1ent.example",
        "phone": "+33149098737",
    },
    "billing": {"date": "2008-06-27", "use_responsible_address": True},
}

# (name, type, SIRET, company name, responsible last name, status, mailbox)
SECONDARIES = [
    (
        "tbn1",
        "entreprise",
        "04140780000022",
        "TEST MIGRATION TBN ENT SECONDAIRE",
        "BRUN",
        "open",
        True,
    ),
    ("tbn2", "entreprise", "07955554600013", "COMPTE TBN 2 (SANS BAL)", "BRUN", "open", False),
    ("fdn25", "entreprise", "42872048600011", "TEST", "BRUN", "closed", False),
    ("lvt", "entreprise", "42872048600011", "TEST LVT23", "VEUILLET", "closed", False),
    ("sqdqd", "oga", "32122458600024", "EQFE", "QFD", "validated", False),
]

COLLABORATOR = {
    "username": "lea.martin",
    "email": "lea.martin@asp1ent.example",
    "first_name": "Léa",
    "last_name": "MARTIN",
    "locale": "fr",
    "roles": ["declarant"],
}
