"""Who sees and handles proposals (found by `rules`' autodiscovery).

Every member, and programme officers, see the partnership's proposals and decision log: shared
decisions are open to all. The proposing organisation's acting staff and the lead's admins and
managers close a proposal early or state its outcome; the lead's admins and managers ratify an
urgent decision. Who may cast a position is `counting.has_authority`.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import acts_for, standing
from joinedup.decisions.models import Proposal


@rules.predicate
def can_view_proposal(user: Any, proposal: Proposal) -> bool:
    return standing(user, proposal.partnership).can_view


@rules.predicate
def handles_proposal(user: Any, proposal: Proposal) -> bool:
    return standing(user, proposal.partnership).manages or acts_for(user, proposal.organisation_id)


rules.add_perm("decisions.view_proposal", can_view_proposal)
rules.add_perm("decisions.change_proposal", handles_proposal)
