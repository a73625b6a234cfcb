"""The default UK taxonomy of needs, in two levels, as an HSDS taxonomy.

Top-level codes are those of `joinedup.lib.needs`, so organisations' specialisms map onto it.
Ids are derived from the codes, so every install has the same ids and an HSDS export from one
imports cleanly into another. Another HSDS taxonomy can be imported beside it and used for the
needs picker instead (`JOINEDUP_NEEDS_TAXONOMY`, see the README).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings

from joinedup.lib.needs import NEEDS

NAME = "Joined Up needs"
TAXONOMY_ID = uuid.UUID("0f0e5d0a-6b55-4e0c-9a55-1b7a1f0c0001")
NAMESPACE = uuid.UUID("0f0e5d0a-6b55-4e0c-9a55-1b7a1f0c0000")

CHILDREN: dict[str, list[tuple[str, str]]] = {
    "housing": [
        ("housing.rough_sleeping", "Rough sleeping"),
        ("housing.emergency", "Emergency accommodation"),
        ("housing.supported", "Supported housing"),
        ("housing.tenancy", "Tenancy sustainment and eviction"),
    ],
    "mental_health": [
        ("mental_health.crisis", "Mental health crisis"),
        ("mental_health.counselling", "Counselling and talking therapies"),
        ("mental_health.peer_support", "Peer support"),
    ],
    "substance_use": [
        ("substance_use.alcohol", "Alcohol"),
        ("substance_use.drugs", "Drugs"),
        ("substance_use.gambling", "Gambling"),
    ],
    "domestic_abuse": [
        ("domestic_abuse.refuge", "Refuge"),
        ("domestic_abuse.outreach", "Outreach and advocacy (IDVA)"),
        ("domestic_abuse.perpetrator", "Perpetrator programmes"),
    ],
    "sexual_violence": [("sexual_violence.isva", "Independent sexual violence advocacy")],
    "money_debt": [
        ("money_debt.debt_advice", "Debt advice"),
        ("money_debt.budgeting", "Budgeting and financial capability"),
    ],
    "benefits": [
        ("benefits.claims", "Help to claim"),
        ("benefits.appeals", "Appeals and tribunals"),
    ],
    "food": [("food.food_bank", "Food bank"), ("food.meals", "Community meals")],
    "fuel": [("fuel.vouchers", "Fuel vouchers"), ("fuel.energy_advice", "Energy advice")],
    "employment_skills": [
        ("employment_skills.job_search", "Job search"),
        ("employment_skills.training", "Training and qualifications"),
        ("employment_skills.volunteering", "Volunteering"),
    ],
    "family_support": [
        ("family_support.parenting", "Parenting support"),
        ("family_support.early_help", "Early help"),
        ("family_support.carers", "Carers"),
    ],
    "children_young_people": [
        ("children_young_people.youth_work", "Youth work"),
        ("children_young_people.care_leavers", "Care leavers"),
    ],
    "disability": [
        ("disability.independent_living", "Independent living"),
        ("disability.access", "Access and equipment"),
    ],
    "criminal_justice": [
        ("criminal_justice.resettlement", "Resettlement after prison"),
        ("criminal_justice.victims", "Victims of crime"),
    ],
    "immigration": [
        ("immigration.asylum", "Asylum"),
        ("immigration.nrpf", "No recourse to public funds"),
    ],
    "physical_health": [
        ("physical_health.gp_access", "Getting to a GP"),
        ("physical_health.long_term", "Long-term conditions"),
    ],
    "loneliness": [("loneliness.befriending", "Befriending")],
}


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, code)


def tree() -> list[dict[str, Any]]:
    """Every term as HSDS fields, parents before children."""
    terms = []
    for code, name in NEEDS.items():
        terms.append({"id": term_id(code), "code": code, "name": name, "parent_id": None})
        for child_code, child_name in CHILDREN.get(code, []):
            terms.append(
                {
                    "id": term_id(child_code),
                    "code": child_code,
                    "name": child_name,
                    "parent_id": term_id(code),
                }
            )
    return terms


def install(taxonomy_model: Any, term_model: Any) -> None:
    """Create the default taxonomy, or add what it lacks (models are passed so that a migration
    can call it with its historical models)."""
    taxonomy, _ = taxonomy_model.objects.get_or_create(
        id=TAXONOMY_ID,
        defaults={
            "name": NAME,
            "description": "Needs people bring to UK voluntary and statutory services.",
            "version": "1",
        },
    )
    for term in tree():
        term_model.objects.get_or_create(
            id=term["id"],
            defaults={
                "code": term["code"],
                "name": term["name"],
                "description": term["name"],
                "parent_id": term["parent_id"],
                "taxonomy_name": NAME,
                "taxonomy_detail": taxonomy,
                "language": "en",
            },
        )


def needs_taxonomy_name() -> str:
    return str(getattr(settings, "JOINEDUP_NEEDS_TAXONOMY", "") or NAME)
