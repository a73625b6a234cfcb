"""Who sees and does what with a programme's learning (found by `rules`' autodiscovery).

- The programme's **evaluators** (see `Evaluator`) and its **officers** see the sources, the
  coding and the matrix, and edit the framework; evaluators code and write summaries (an
  officer reads them: coding is the evaluators' analysis, and keeping officers out of it keeps
  the coders' agreement about the coders).
- The officers (and a superuser) add and remove evaluators.
- A partnership's **own learning profile** (its row of the matrix) is seen by its current
  members, wider partners too, and by the programme's officers and evaluators. It holds
  summaries and coded passages, never names of people being supported: the highlight form
  warns before anything personal is coded.
- Someone else — an outsider, a member of another partnership — gets 404.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import programmes_overseen, standing
from joinedup.learning.models import Evaluator
from joinedup.partnerships.models import Partnership
from joinedup.programmes.models import Programme


def programmes_evaluated(user: Any) -> set[int]:
    """The programmes `user` evaluates, read once per request."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_joinedup_evaluates"):
        user._joinedup_evaluates = set(
            Evaluator.objects.filter(user_id=user.pk).values_list("programme_id", flat=True)
        )
    return user._joinedup_evaluates


@rules.predicate
def evaluates(user: Any, programme: Programme) -> bool:
    return programme.pk in programmes_evaluated(user)


@rules.predicate
def oversees(user: Any, programme: Programme) -> bool:
    return programme.pk in programmes_overseen(user)


@rules.predicate
def sees_profile(user: Any, partnership: Partnership) -> bool:
    if partnership.programme_id is None:
        return standing(user, partnership).member_role is not None
    return standing(user, partnership).can_view or partnership.programme_id in programmes_evaluated(
        user
    )


rules.add_perm("learning.view_learning", rules.is_superuser | evaluates | oversees)
rules.add_perm("learning.change_framework", rules.is_superuser | evaluates | oversees)
rules.add_perm("learning.code", rules.is_superuser | evaluates)
rules.add_perm("learning.manage_evaluators", rules.is_superuser | oversees)
rules.add_perm("learning.view_profile", rules.is_superuser | sees_profile)
