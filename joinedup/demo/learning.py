"""The evaluators' coded matrix across Reaching Out, Supporting Families (seed 003).

Seed 003's evaluators interviewed project leads, staff and funding officers, built a framework of
themes together, indexed every transcript against it (one coder each) and charted the data by
partnership. The demo tells that: two evaluators (Niamh Quinn, who signs in, and a colleague
who coded a sample again, so agreement shows), the framework from the seeds' themes, one
**invented** interview transcript per partnership (put together from the kinds of things seed
003 reports, not quotes), passages coded to themes, and written summaries for some cells — one
of them stale, because a passage was coded after it was written. Loading again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.learning import actions
from joinedup.learning.demo_data import seed_codes
from joinedup.learning.models import Evaluator, Highlight, Summary
from joinedup.learning.sources import SourceText
from joinedup.programmes.models import Programme

PROGRAMME = "Reaching Out, Supporting Families"
EVALUATOR_EMAIL = "niamh.quinn@evaluators.demo.joinedup.example"
EVALUATOR_NAME = "Niamh Quinn"
SECOND_EMAIL = "conor.byrne@evaluators.demo.joinedup.example"

# (theme, sentences an interviewee might say about it): invented for the demo.
SAYINGS: dict[str, list[str]] = {
    "Shared goals": [
        "We sat down at the start and agreed that the family's own goals come first.",
        "Everyone signed up to the same outcome: families supported before crisis point.",
    ],
    "Trust": [
        "It took about a year before the school trusted us with referrals.",
        "Because we know each other now, a phone call sorts what used to take a form.",
    ],
    "Flexibility": [
        "We moved our sessions to the evening because dads could not come in the day.",
        "The funder let us change the plan when lockdown came, which made all the difference.",
    ],
    "Communication": [
        "A monthly call between the partners keeps everyone up to date.",
        "We share a simple update sheet, so nobody is surprised at the steering group.",
    ],
    "Power and lived experience": [
        "Parents sit on our steering group and they changed how we word our letters.",
        "Families told us the assessment felt like being judged, so we rewrote it with them.",
    ],
    "Trauma-informed practice": [
        "Staff had training on trauma and now we ask what happened, not what is wrong.",
        "We stopped making families repeat their story to every new worker.",
    ],
    "Safeguarding and boundaries": [
        "We agreed who holds the safeguarding lead for each family so nothing falls between us.",
        "Volunteers know where their role ends and when to pass a worry on.",
    ],
    "Cross-agency advocacy": [
        "When housing would not answer, our worker rang them with the mum on the line.",
        "We spoke up for the family at the school meeting so they were not on their own.",
    ],
    "Staff turnover and capacity": [
        "Our coordinator left in the spring and the relationships went with her.",
        "Two of the three family workers changed in a year; each time we started again.",
    ],
    "Sustainability and funding": [
        "Nobody knows what happens when the grant ends next year.",
        "We are applying together for the next round so the work can carry on.",
    ],
    "Referral pathways": [
        "A family referred on a Monday is seen by Friday now, where it used to be weeks.",
        "The health visitor refers straight to us, no waiting list in between.",
    ],
    "Peer learning": [
        "Meeting other projects at the learning event gave us ideas for our dads' group.",
        "We borrowed another project's welcome pack instead of writing our own.",
    ],
}


def load(password_hash: str) -> int:
    """The coded matrix; returns how many passages were coded (0 when loaded already)."""
    programme = Programme.objects.filter(name=PROGRAMME).first()
    if programme is None or Evaluator.objects.filter(programme=programme).exists():
        return 0
    niamh = _person(EVALUATOR_EMAIL, EVALUATOR_NAME, password_hash)
    conor = _person(SECOND_EMAIL, "Conor Byrne", password_hash)
    actions.evaluator_add(by=None, programme=programme, user=niamh)
    actions.evaluator_add(by=None, programme=programme, user=conor)
    framework = actions.framework_revise(
        by=niamh, programme=programme, codes=seed_codes(), name="Family support framework"
    )
    themes = {t.name: t for t in framework.themes.all()}
    coded = 0
    now = timezone.now()
    for number, partnership in enumerate(programme.partnerships.order_by("name")):
        rng = random.Random(f"learning-{partnership.name}")
        chosen = rng.sample(list(SAYINGS), rng.randint(3, 6))
        lines = [rng.choice(SAYINGS[name]) for name in chosen]
        text = "Interviewer: How has working in partnership gone this year?\n" + "\n".join(
            f"Project lead: {line}" for line in lines
        )
        source = actions.source_take(
            by=niamh,
            programme=programme,
            text=SourceText(
                kind="document",
                key=f"demo-interview-{partnership.pk}",
                title=f"Interview with the project lead (invented), {partnership.name}",
                text=text,
                written_at=now - dt.timedelta(days=60 - number % 30),
                partnership_id=partnership.pk,
                hub_id=partnership.hub_id,
            ),
        )
        made = []
        for name, line in zip(chosen, lines, strict=True):
            start = source.text.index(line)
            made.append(
                actions.highlight_create(
                    by=niamh,
                    source=source,
                    theme=themes[name],
                    start=start,
                    end=start + len(line),
                )
            )
        coded += len(made)
        if number % 4 == 0:  # Conor codes a sample again: mostly agreeing
            h = made[0]
            theme = h.theme if number % 8 == 0 else themes[rng.choice(list(SAYINGS))]
            actions.highlight_create(by=conor, source=source, theme=theme, start=h.start, end=h.end)
        if number % 3 == 0:
            h = made[0]
            summary = actions.summary_write(
                by=niamh,
                programme=programme,
                case_kind="partnership",
                case_id=partnership.pk,
                theme=h.theme,
                text=f"{h.theme.name}: the project lead names it as part of what "
                "made the partnership work this year.",
                highlights=[h],
            )
            if number % 6 == 0:  # evidence coded since: the summary is stale
                Summary.objects.filter(pk=summary.pk).update(written_at=now - dt.timedelta(days=10))
                Highlight.objects.filter(pk=made[-1].pk).update(
                    theme=h.theme, coded_at=now - dt.timedelta(days=1)
                )
    return coded


def _person(email: str, name: str, password_hash: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, name=name, password=password_hash)
    return user
