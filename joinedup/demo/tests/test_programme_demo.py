"""The programme view's demo: Help through Crisis at 69 partnerships, one of them on paper."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.demo import loader
from joinedup.demo import programme as demo_programme
from joinedup.health.depth import Stage
from joinedup.health.evidence import gather
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_help_through_crisis_has_69_partnerships_generated_ones_marked_and_one_on_paper() -> None:
    sign_ins = {s.character: s for s in loader.load()}
    steps: list[tuple[int, int]] = []
    made = demo_programme.load("unusable-password", lambda _label, i, n: steps.append((i, n)))
    programme = Programme.objects.get(name="Help through Crisis")
    partnerships = programme.partnerships.all()
    assert partnerships.count() == 69
    generated = partnerships.filter(name__contains="(generated)")
    families = Programme.objects.get(name="Reaching Out, Supporting Families")
    generated_families = families.partnerships.filter(name__contains="(generated)")
    assert families.partnerships.count() == 36  # seed 003's 36 projects
    assert made == generated.count() + 1 + generated_families.count()  # and the one on paper
    assert all(p.shared_goal.startswith("Generated for the demo") for p in generated)
    generated_members = Organisation.objects.filter(memberships__partnership__in=generated)
    assert all("(generated)" in o.name for o in generated_members.distinct())
    assert (generated.count(), generated.count()) in steps  # the progress bar finished
    assert steps[-1] == (generated_families.count(), generated_families.count())
    assert families.officers.filter(email="aoife.mcgrath@demo.joinedup.example").exists()

    on_paper = Partnership.objects.get(name=demo_programme.ON_PAPER)
    ev = gather([on_paper])[on_paper.pk]
    assert ev.stage == Stage.ON_PAPER
    assert len(ev.in_name_only()) == 3  # everyone but the lead, though all signed
    assert all(m.agreements_signed == 1 for m in ev.members)

    stages = {e.stage for e in gather(generated).values()}
    assert {Stage.ON_PAPER, Stage.NETWORKING, Stage.COOPERATING, Stage.INTEGRATED} <= stages

    client = Client()
    client.post(
        reverse("login"),
        {"username": sign_ins["programme_officer"].email, "password": loader.PASSWORD},
    )
    page = client.get(reverse("programme_health", args=[programme.pk]))
    assert page.status_code == 200 and len(page.context["rows"]) == 69

    assert demo_programme.load("unusable-password", lambda *_: None) == 0  # nothing twice
    assert programme.partnerships.count() == 69
