"""The rows of the evidence pages' long tables, as HTML made in Python (issue 19).

The printed report draws every member twice (the evidence, reciprocity) and every
organisation of the network: 750 rows at 250 members, which took two thirds of the report's
time through the template engine. As in `programme_table`, each row is one string, every value
escaped as the template escapes (`html.escape`, which Django's `escape` is) and formatted by
the same filter (`floatformat`), so the cells read as the templates drew them. The depth and
network pages use the same rows for their page of fifty.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

DASH = "—"


def _e(value: Any) -> str:
    return escape(str(value))


def _index(value: float | None) -> str:
    return DASH if value is None else _e(floatformat(value, 2))


def reciprocity_rows(members: Iterable[Any]) -> SafeString:
    """The reciprocity table's rows (`views_evidence.MemberView`s)."""
    rows = []
    for m in members:
        e, r = m.evidence, m.reciprocity
        flag = '<span class="flag">One-way street</span>' if r.flag else DASH
        rows.append(
            f'<tr><th scope="row">{_e(e.name)}</th>'
            f"<td>{e.referrals_received} / {e.referrals_made}</td>"
            f"<td>{e.resources_given} / {e.resources_received}</td>"
            f"<td>{_e(floatformat(e.hours_given, -1))} / "
            f"{_e(floatformat(e.hours_received, -1))}</td>"
            f"<td>{_index(r.index)}</td><td>{_index(r.hours_index)}</td><td>{flag}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value escaped above)


def member_rows(report_members: Iterable[dict[str, Any]]) -> SafeString:
    """The printed report's row per member (`views_evidence.report_members`)."""
    cells = ["stage", "role", "meetings", "positions", "agreements", "levels", "rounds"]
    cells += ["rated", "hours", "unmet"]
    rows = [
        f'<tr><th scope="row">{_e(r["name"])}{" (new)" if r["new"] else ""}</th>'
        + "".join(f"<td>{_e(r[c])}</td>" for c in cells)
        + "</tr>"
        for r in report_members
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 (every value escaped above)


def organisation_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The network's table of organisations (`views_evidence.NodeRows`)."""
    out = []
    for r in rows:
        if r["broker"]:
            role = "Broker"
        elif r["isolate"]:
            role = '<span class="flag">No working tie</span>'
        else:
            role = DASH
        out.append(
            f'<tr><th scope="row">{_e(r["node"].name)}</th><td>{_e(r["sector"])}</td>'
            f"<td>{r['node'].activity}</td><td>{r['ties']}</td>"
            f"<td>{_e(floatformat(r['betweenness'], 2))}</td><td>{role}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)
