"""The needs an organisation's work serves, in the sector's words.

A flat list for organisations' specialisms; the Directory module brings the full, hierarchical
taxonomy of needs and maps these codes onto it.
"""

NEEDS: dict[str, str] = {
    "advice": "Advice and advocacy",
    "benefits": "Benefits",
    "children_young_people": "Children and young people",
    "criminal_justice": "Criminal justice",
    "disability": "Disability",
    "domestic_abuse": "Domestic abuse",
    "employment_skills": "Employment and skills",
    "family_support": "Family support",
    "food": "Food",
    "fuel": "Fuel",
    "housing": "Housing and homelessness",
    "immigration": "Immigration",
    "learning_disability": "Learning disability",
    "loneliness": "Loneliness and isolation",
    "mental_health": "Mental health",
    "money_debt": "Money and debt",
    "physical_health": "Physical health",
    "sexual_violence": "Sexual violence",
    "substance_use": "Substance use",
    "women": "Women's services",
}

NEED_CHOICES = sorted(NEEDS.items(), key=lambda item: item[1])
