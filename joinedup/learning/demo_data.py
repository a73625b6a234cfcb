"""A programme's framework as the seeds name their themes, shared by the demo and the bench.

Seed 003's evaluators built a framework from interviews with project leads, staff and funding
officers; these are the themes the seeds name, in categories."""

from __future__ import annotations

from joinedup.learning.refi import CodeIn

SEED_FRAMEWORK: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Working in partnership",
        [
            ("Shared goals", "Partners agree what they are working towards and keep to it."),
            ("Trust", "Partners rely on each other; relationships built over time."),
            ("Flexibility", "Partners adapt how they work to families' needs and to each other."),
            ("Communication", "How partners keep each other informed; meetings, calls, updates."),
        ],
    ),
    (
        "People and practice",
        [
            (
                "Power and lived experience",
                "Whose voice shapes the work; people with lived experience leading.",
            ),
            (
                "Trauma-informed practice",
                "Working in ways that recognise trauma and avoid re-traumatising.",
            ),
            ("Safeguarding and boundaries", "Keeping people safe; where roles begin and end."),
            (
                "Cross-agency advocacy",
                "Speaking up for a family with other services so they do not fall through gaps.",
            ),
        ],
    ),
    (
        "Capacity and future",
        [
            ("Staff turnover and capacity", "Staff changes, workload and lost relationships."),
            (
                "Sustainability and funding",
                "Keeping the work going beyond the grant; future funding.",
            ),
            ("Referral pathways", "How families reach the right partner, and how fast."),
            ("Peer learning", "Partners and projects learning from each other."),
        ],
    ),
]


def seed_codes() -> list[CodeIn]:
    return [
        CodeIn(
            name=category,
            codable=False,
            children=[CodeIn(name=n, description=d) for n, d in themes],
        )
        for category, themes in SEED_FRAMEWORK
    ]
