"""Who sees and handles agreements (found by `rules`' autodiscovery).

Every member sees the partnership's agreements, except service-level agreements, which are
between the lead and one partner: those two, and programme officers, see them. The lead's
admins and managers draft and send them out; each party signs for itself.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import org_roles, standing
from joinedup.agreements.models import Agreement, AgreementKind


@rules.predicate
def can_view_agreement(user: Any, agreement: Agreement) -> bool:
    seen = standing(user, agreement.partnership)
    if agreement.kind != AgreementKind.SLA:
        return seen.can_view
    return (
        seen.manages
        or seen.officer
        or agreement.counterparty_id in org_roles(user)
        or (seen.member_role == "lead")
    )


@rules.predicate
def manages_agreement(user: Any, agreement: Agreement) -> bool:
    return standing(user, agreement.partnership).manages


rules.add_perm("agreements.view_agreement", can_view_agreement)
rules.add_perm("agreements.change_agreement", manages_agreement)
