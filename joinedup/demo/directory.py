"""The demo's service directory: every demo organisation lists what it does.

Listings are made from each organisation's specialisms with the sector's own wording, placed in
the first town it serves; waiting times and capacity vary by organisation but are the same on
every run. Rise's refuge is listed for partners with its address confidential, as a refuge's
address always is (seed 002).
"""

from __future__ import annotations

import hashlib
from typing import Any

from joinedup.directory import actions
from joinedup.directory.models import (
    Capacity,
    Gender,
    ReferralMethod,
    Service,
    Taxonomy,
    TaxonomyTerm,
    Visibility,
)
from joinedup.directory.needs import install as install_needs
from joinedup.directory.needs import term_id
from joinedup.partnerships.models import Organisation

# Town: (postcode, latitude, longitude) of a plausible community building there.
PLACES: dict[str, tuple[str, float, float]] = {
    "Kidderminster": ("DY10 1AB", 52.3885, -2.2496),
    "Wyre Forest": ("DY11 6AA", 52.3840, -2.2610),
    "North Worcestershire": ("DY10 2JT", 52.3921, -2.2430),
    "Bromsgrove": ("B61 8DA", 52.3353, -2.0613),
    "Worcestershire": ("WR1 2EY", 52.1936, -2.2216),
    "Manchester": ("M1 3BB", 53.4808, -2.2426),
    "Greater Manchester": ("M4 5JD", 53.4860, -2.2360),
    "Salford": ("M5 4WT", 53.4875, -2.2901),
    "Bolton": ("BL1 1RU", 53.5769, -2.4282),
    "Oldham": ("OL1 1HD", 53.5409, -2.1114),
    "Rochdale": ("OL16 1AB", 53.6136, -2.1610),
    "Rossendale": ("BB4 6RE", 53.7000, -2.2900),
    "Rawtenstall": ("BB4 7LJ", 53.7003, -2.2880),
    "Haslingden": ("BB4 5QU", 53.7050, -2.3270),
    "Crawshawbooth": ("BB4 8AL", 53.7190, -2.2830),
    "Waterfoot": ("BB4 9AD", 53.6980, -2.2580),
    "Bacup": ("OL13 9AA", 53.7040, -2.2000),
    "Whitworth": ("OL12 8BA", 53.6560, -2.1770),
    "Hyndburn": ("BB5 1EZ", 53.7530, -2.3640),
    "Brighton and Hove": ("BN1 1GE", 50.8225, -0.1372),
    "Liverpool": ("L1 8JQ", 53.4084, -2.9916),
    "Wirral": ("CH41 5FN", 53.3930, -3.0140),
    "Nottingham": ("NG1 5FS", 52.9548, -1.1581),
    "Derby": ("DE1 2FS", 52.9225, -1.4746),
    "Leicester": ("LE1 5WW", 52.6369, -1.1398),
    "Loughborough": ("LE11 3EQ", 52.7721, -1.2062),
    "North Belfast": ("BT15 2GB", 54.6180, -5.9300),
    "Newtownabbey": ("BT36 5AA", 54.6620, -5.9090),
}

# Need: (service name, what it does, who it is for, referral criteria, how to refer,
#        youngest, oldest, gender)
KINDS: dict[str, tuple[str, str, str, str, str, int | None, int | None, str]] = {
    "housing": (
        "Housing advice and tenancy support",
        "Advice for people who are homeless or at risk of losing their home, and support to "
        "keep a tenancy going.",
        "Anyone 16 or over living in the area who is homeless or threatened with homelessness.",
        "Threatened with homelessness within 56 days, or already homeless. We cannot take "
        "referrals for people with no local connection unless fleeing violence.",
        ReferralMethod.JOINED_UP, 16, None, "",
    ),
    "mental_health": (
        "Wellbeing and talking support",
        "One-to-one and group support for people living with anxiety, depression and other "
        "mental health problems.",
        "Adults registered with a local GP.",
        "Mild to moderate mental health needs. People in crisis are signposted to the crisis "
        "line the same day. Not for people already under secondary mental health care.",
        ReferralMethod.SELF, 18, None, "",
    ),
    "children_young_people": (
        "Youth support and drop-in",
        "Youth work, a weekly drop-in and one-to-one support for young people facing a "
        "difficult time at home or school.",
        "Young people aged 11 to 25.",
        "Young people aged 11 to 25 who consent to the referral. Parents may refer under-16s.",
        ReferralMethod.JOINED_UP, 11, 25, "",
    ),
    "women": (
        "Women's support and drop-in",
        "A women-only space with key workers, peer groups and practical help.",
        "Women aged 18 and over.",
        "Women facing two or more of: abuse, poor mental health, homelessness, substance use, "
        "contact with the criminal justice system.",
        ReferralMethod.JOINED_UP, 18, None, Gender.WOMEN,
    ),
    "domestic_abuse": (
        "Domestic abuse outreach (IDVA)",
        "Independent domestic violence advocates for people at high risk, and outreach for "
        "everyone else.",
        "Anyone 16 or over experiencing domestic abuse.",
        "Any level of risk. High-risk cases go to MARAC. Referral needs the person's consent "
        "unless there is a risk to life.",
        ReferralMethod.JOINED_UP, 16, None, "",
    ),
    "advice": (
        "Advice drop-in",
        "Free, confidential advice on benefits, debt, housing, work and family problems.",
        "Anyone living or working in the area.",
        "No criteria: open to everyone. Appointments for complex cases.",
        ReferralMethod.SELF, 16, None, "",
    ),
    "family_support": (
        "Family support",
        "Practical and emotional support for families with children under 18.",
        "Families with at least one child under 18.",
        "Families below the threshold for children's social care (early help levels 2–3).",
        ReferralMethod.JOINED_UP, None, None, "",
    ),
    "employment_skills": (
        "Employment and skills coaching",
        "Coaching, CV help, training and work placements.",
        "People aged 16 and over who are out of work or want to change jobs.",
        "Out of work, or working under 16 hours a week, and able to attend weekly.",
        ReferralMethod.JOINED_UP, 16, None, "",
    ),
    "criminal_justice": (
        "Resettlement and desistance support",
        "Support for people leaving prison or on probation to find a home, work and stability.",
        "People aged 18 and over with a recent conviction.",
        "Released in the last 12 months or on licence; referral with the probation "
        "practitioner's agreement.",
        ReferralMethod.JOINED_UP, 18, None, "",
    ),
    "benefits": (
        "Benefits help",
        "Help to check entitlement, claim, and challenge decisions up to tribunal.",
        "Anyone in the area.",
        "Appeals and mandatory reconsiderations are prioritised by deadline.",
        ReferralMethod.PHONE, 16, None, "",
    ),
    "food": (
        "Food parcels",
        "Three days of emergency food, with toiletries and signposting.",
        "Anyone in crisis who cannot afford food.",
        "A voucher from a referring partner; up to three vouchers in six months.",
        ReferralMethod.JOINED_UP, None, None, "",
    ),
    "loneliness": (
        "Befriending and community lunch",
        "Weekly lunch and volunteer befrienders for people who are isolated.",
        "Adults who feel lonely or isolated.",
        "No criteria: come along, or a partner can introduce you.",
        ReferralMethod.SELF, 18, None, "",
    ),
    "money_debt": (
        "Debt advice and affordable credit",
        "Debt advice, budgeting support and small affordable loans.",
        "Adults living in the area.",
        "Priority debts (rent, council tax, energy) first. Loans subject to affordability.",
        ReferralMethod.PHONE, 18, None, "",
    ),
    "substance_use": (
        "Drug and alcohol support",
        "Assessment, key working and recovery groups.",
        "People worried about their own drug or alcohol use.",
        "Self-referral welcome. Partners refer with consent; no need to be abstinent.",
        ReferralMethod.SELF, None, None, "",
    ),
    "physical_health": (
        "Health clinic",
        "Appointments with nurses and GPs, and help to register.",
        "Anyone living in the practice area.",
        "Registration needs no proof of address or immigration status.",
        ReferralMethod.PHONE, None, None, "",
    ),
    "disability": (
        "Disabled people's advice and advocacy",
        "Peer advice and advocacy led by disabled people.",
        "Disabled people and their families.",
        "Self-identified disabled people; no diagnosis needed.",
        ReferralMethod.SELF, None, None, "",
    ),
    "sexual_violence": (
        "Sexual violence support (ISVA)",
        "Independent sexual violence advisers and counselling.",
        "Survivors of rape and sexual abuse aged 13 and over.",
        "Any time since the abuse; reporting to the police is not required.",
        ReferralMethod.SELF, 13, None, "",
    ),
    "learning_disability": (
        "Self-advocacy group",
        "Groups where people with learning disabilities speak up together.",
        "People with learning disabilities aged 14 and over.",
        "Able to take part in a group, with support if needed.",
        ReferralMethod.SELF, 14, None, "",
    ),
    "fuel": (
        "Warm homes and fuel help",
        "Fuel vouchers, energy advice and help with arrears.",
        "Households struggling to heat their home.",
        "A prepayment meter, or fuel debt, or a health condition made worse by the cold.",
        ReferralMethod.JOINED_UP, None, None, "",
    ),
}  # fmt: skip

CAPACITIES = [Capacity.OPEN, Capacity.OPEN, Capacity.LIMITED, Capacity.LIMITED, Capacity.FULL]


def _number(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16)


def _place(org: dict[str, Any], n: int) -> dict[str, Any] | None:
    town = next((a for a in org["areas"] if a in PLACES), None)
    if town is None:
        return None
    postcode, lat, lon = PLACES[town]
    return {
        "address_1": f"{1 + n % 90} {['High Street', 'Church Street', 'Market Place'][n % 3]}",
        "city": town,
        "postal_code": postcode,
        "latitude": round(lat + (n % 100 - 50) / 20000, 5),
        "longitude": round(lon + (n // 100 % 100 - 50) / 20000, 5),
        "location_visibility": Visibility.PUBLIC,
    }


def load(data: dict[str, Any], orgs: dict[str, Organisation]) -> int:
    """List the demo organisations' services (only those not listed yet); return how many."""
    install_needs(Taxonomy, TaxonomyTerm)  # made by a migration; here too, for a flushed database
    terms = {t.code: t for t in TaxonomyTerm.objects.filter(pk__in=_term_ids())}
    listed = set(
        Service.objects.filter(organization__organisation__in=orgs.values()).values_list(
            "organization__organisation_id", "name"
        )
    )
    made = 0
    for org in data["organisations"]:
        organisation = orgs[org["key"]]
        for spec in _services_of(org):
            if (organisation.pk, spec["name"]) in listed:
                continue
            needs = [terms[c] for c in spec.pop("needs") if c in terms]
            actions.service_create(organisation=organisation, by=None, needs=needs, **spec)
            made += 1
    return made


def _term_ids() -> list[Any]:
    codes = set(KINDS) | {"domestic_abuse.refuge", "domestic_abuse.outreach", "housing.emergency"}
    return [term_id(code) for code in codes]


def _services_of(org: dict[str, Any]) -> list[dict[str, Any]]:
    if org["key"] == "rise":
        return _rise(org)
    specs = []
    for i, code in enumerate(org["specialisms"][:2]):
        if code not in KINDS:
            continue
        name, description, eligibility, criteria, method, low, high, gender = KINDS[code]
        n = _number(org["key"], code)
        specs.append(
            {
                "name": name,
                "description": description,
                "eligibility_description": eligibility,
                "referral_criteria": criteria,
                "referral_method": method,
                "minimum_age": low,
                "maximum_age": high,
                "gender": gender,
                "wait_days": [0, 3, 7, 14, 21, 42, 90][n % 7],
                "capacity": CAPACITIES[n % len(CAPACITIES)],
                "visibility": Visibility.PUBLIC if i == 0 else Visibility.PARTNERS,
                "needs": [code, *[c for c in org["specialisms"][1:3] if c != code][:1]],
                "place": _place(org, n),
                "areas": org["areas"],
            }
        )
    return specs


def _rise(org: dict[str, Any]) -> list[dict[str, Any]]:
    """Brighton and Hove's domestic abuse charity: a refuge whose address nobody outside Rise
    may see, and community outreach that is public."""
    refuge_place = {
        "address_1": "Withheld Road",
        "city": "Brighton and Hove",
        "postal_code": "BN2 9ZZ",
        "latitude": 50.8300,
        "longitude": -0.1100,
        "location_visibility": Visibility.CONFIDENTIAL,
    }
    return [
        {
            "name": "Refuge accommodation",
            "description": "Safe, self-contained refuge rooms for women and their children "
            "fleeing domestic abuse, with a key worker for each family.",
            "eligibility_description": "Women aged 16 and over, with or without children, "
            "fleeing domestic abuse.",
            "referral_criteria": "Fleeing domestic abuse and needing to leave the area for "
            "safety. We check space nationally if ours is full. Never share the address.",
            "referral_method": ReferralMethod.PHONE,
            "minimum_age": 16,
            "maximum_age": None,
            "gender": Gender.WOMEN,
            "wait_days": 0,
            "capacity": Capacity.LIMITED,
            "visibility": Visibility.PARTNERS,
            "needs": ["domestic_abuse.refuge", "housing.emergency", "women"],
            "place": refuge_place,
            "areas": org["areas"],
        },
        {
            "name": "Community outreach and IDVA service",
            "description": "Independent domestic violence advocates and community outreach "
            "across Brighton and Hove, including support through court.",
            "eligibility_description": "Anyone aged 16 and over experiencing domestic abuse.",
            "referral_criteria": "Any level of risk; high-risk cases are taken to MARAC. "
            "Consent needed unless there is a risk to life.",
            "referral_method": ReferralMethod.JOINED_UP,
            "minimum_age": 16,
            "maximum_age": None,
            "gender": "",
            "wait_days": 5,
            "capacity": Capacity.OPEN,
            "visibility": Visibility.PUBLIC,
            "needs": ["domestic_abuse.outreach", "domestic_abuse"],
            "place": _place(org, 7),
            "areas": org["areas"],
        },
    ]
