"""The health check's statements, grouped by factor.

The factors are the enablers every seed names, plus learning and reflection. The wording is
our own, written for Joined Up; published instruments (the Wilder Collaboration Factors
Inventory, the Nuffield Partnership Assessment Tool) informed what to ask about, not how.
Each statement is positive, so agreeing is healthy, and is answered 1 (strongly disagree) to
5 (strongly agree) or "don't know". Codes are stable: answers are stored against them, so a
statement's wording may be polished but its meaning and code must not change.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    code: str
    text: str


@dataclass(frozen=True)
class Factor:
    code: str
    name: str
    statements: tuple[Statement, ...]


def _factor(code: str, name: str, *texts: str) -> Factor:
    return Factor(
        code, name, tuple(Statement(f"{code}.{i}", text) for i, text in enumerate(texts, 1))
    )


FACTORS: tuple[Factor, ...] = (
    _factor(
        "goals",
        "Shared goals",
        "I could explain in a sentence what this partnership is trying to achieve.",
        "The partners want the same things from this partnership.",
        "What we aim for is realistic for the time and money we have.",
        "We check together whether we are getting closer to our goals.",
    ),
    _factor(
        "trust",
        "Trust",
        "When a partner says they will do something, it gets done.",
        "I can raise a difficult issue with other partners without it being held against me.",
        "Partners are honest with each other when things go wrong.",
        "I trust the other partners to act in the interest of the people we serve.",
    ),
    _factor(
        "communication",
        "Communication",
        "I hear about things that affect my organisation's part of the work in good time.",
        "Partners talk to each other between meetings, not only at them.",
        "Meetings are worth the time we spend on them.",
        "Problems are raised when they happen rather than left to build up.",
    ),
    _factor(
        "flexibility",
        "Flexibility",
        "The partnership can change how it works when circumstances change.",
        "Partners are willing to try a different approach when something is not working.",
        "Plans can be adjusted without a long fight.",
    ),
    _factor(
        "decisions",
        "Co-operation in decisions",
        "My organisation has a real say in the decisions that matter.",
        "It is clear how decisions are made and who makes them.",
        "We get enough time to take decisions back to our own organisation before they are made.",
        "Once a decision is made, partners stand by it.",
    ),
    _factor(
        "benefit",
        "Mutual benefit",
        "My organisation gets something worthwhile from being in this partnership.",
        "The benefits of the partnership are shared fairly among the partners.",
        "What partners give and what they receive are roughly in balance.",
        "The people we serve are better off because we work together.",
    ),
    _factor(
        "respect",
        "Respect for distinct roles",
        "Each partner's expertise is recognised and used.",
        "I understand what each partner organisation does and does not do.",
        "Partners respect each other's ways of working, even when they differ from their own.",
    ),
    _factor(
        "investment",
        "Time and resources invested",
        "My organisation gives enough staff time to the partnership for it to work.",
        "The partnership has the money and people it needs to do what it has set out to do.",
        "The time the partnership takes is recognised by the managers who release staff for it.",
    ),
    _factor(
        "buy_in",
        "Buy-in at every level",
        "Senior leaders in my organisation actively support this partnership.",
        "Frontline staff in my organisation know about the partnership and use it.",
        "The partnership would carry on if the one person who represents us left.",
    ),
    _factor(
        "power",
        "Power differences addressed",
        "Smaller partners have as much influence as larger ones.",
        "The lead organisation uses its position for the partnership rather than for itself.",
        "Voluntary, community and statutory partners are treated as equals.",
        "People with lived experience shape what the partnership does.",
    ),
    _factor(
        "learning",
        "Learning and reflection",
        "We take time to look back at what has worked and what has not.",
        "What we learn changes how we work.",
        "Knowledge stays in the partnership when people move on.",
    ),
)

FACTOR_BY_CODE: dict[str, Factor] = {f.code: f for f in FACTORS}
STATEMENTS: dict[str, Statement] = {s.code: s for f in FACTORS for s in f.statements}
FACTOR_OF: dict[str, str] = {s.code: f.code for f in FACTORS for s in f.statements}

SCALE: tuple[tuple[int, str], ...] = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)
DONT_KNOW = "Don't know"

WORKING_QUESTION = "What is working well in this partnership?"
WOULD_HELP_QUESTION = "What would help this partnership work better?"

# The collaboration levels (after Frey et al. 2006's Levels of Collaboration Scale), described
# in our own words as one organisation would say them of another.
LEVEL_MEANINGS: tuple[tuple[int, str, str], ...] = (
    (0, "None", "We have no contact with them."),
    (
        1,
        "Networking",
        "We know of each other and sometimes pass on information, but we work separately.",
    ),
    (
        2,
        "Cooperation",
        "We exchange information and help each other when asked, but plan and decide separately.",
    ),
    (
        3,
        "Coordination",
        "We share information and resources regularly, with agreed roles, and take some "
        "decisions together.",
    ),
    (
        4,
        "Coalition",
        "We pool ideas and resources, talk often, and each have a say in the decisions we share.",
    ),
    (
        5,
        "Collaboration",
        "We work as one team towards shared aims: we trust each other, are in constant touch "
        "and decide together.",
    ),
)

# Trust and value (after PARTNER's dimensions), each rated 1 to 4.
TRUST_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("reliability", "Reliable: they do what they say they will do."),
    ("mission", "Committed to the partnership's shared aims."),
    ("openness", "Open to discussion, and to views that differ from their own."),
)
VALUE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("influence", "Influence: they can get things done for the partnership."),
    ("involvement", "Involvement: they take an active part."),
    ("resources", "Resources: they bring money, staff, space, information or contacts."),
)
ONE_TO_FOUR: tuple[tuple[int, str], ...] = (
    (1, "Not at all"),
    (2, "A little"),
    (3, "A fair amount"),
    (4, "A great deal"),
)
