"""The programme view's table rows, as HTML made in Python (issue 19).

The template drew each row through fourteen `{% if "column" in shown %}` tests, two `{% url %}`
and an `{% include %}` of the Charter's cell: at 500 partnerships that was four fifths of the
page's time, with the figures themselves read in one query. Here each row is one string, every
value in it escaped as the template escapes (`html.escape`, which Django's `escape` is) and
formatted by the same filters (`floatformat`, `date`), so the cells read exactly as the
template drew them. (`format_html` for each cell took as long as the template had.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from joinedup.charter.templatetags.charter import charter_cell
from joinedup.figures.rows import Row

_PK = 987654321  # stands for the partnership's id in a reversed URL, swapped for each row


def _url_of(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for any pk, with one `reverse` for all the rows."""
    pattern = reverse(name, args=[_PK])
    return lambda pk: pattern.replace(str(_PK), str(pk))


def _e(value: Any) -> str:
    return escape(str(value))


def _stage(r: Row) -> str:
    stage = "—" if r.stage is None else _e(r.stage.label)
    if r.ended:
        stage += f' <span class="flag">Closed {_e(date_filter(r.end, "j M Y"))}</span>'
    return stage


def _health(r: Row) -> str:
    if r.overall is None:
        return "—"
    band = _e(r.band)
    return (
        f'<span class="band-dot {band}" aria-hidden="true"></span>'
        f"{_e(floatformat(r.overall, 1))} {band}"
    )


def _flags(r: Row) -> str:
    return " ".join(f'<span class="flag">{_e(f)}</span>' for f in r.flags) or "—"


def _hub(r: Row) -> str:
    hub = r.partnership.hub
    return _e(hub.name) if hub and hub.name else "—"


def _cadence(r: Row) -> str:
    kept, series = r.cadence
    return f"{_e(kept)} of {_e(series)} on track" if series else "No series"


def _reciprocity(r: Row) -> str:
    return "—" if r.reciprocity is None else _e(floatformat(r.reciprocity, 2))


# Each column's cell, escaped HTML, by the column's key; "report" and "flags" are made in
# `rows_html` (a link, a class).
CELLS: dict[str, Callable[[Row], str]] = {
    "hub": _hub,
    "members": lambda r: _e(r.members),
    "stage": _stage,
    "health": _health,
    "divided": lambda r: _e(r.divided),
    "referrals": lambda r: _e(r.activity["referrals"]),
    "resources": lambda r: _e(r.activity["resources"]),
    "meetings": lambda r: _e(r.activity["meetings"]),
    "joined": lambda r: _e(r.joined),
    "left": lambda r: _e(r.left),
    "reciprocity": _reciprocity,
    "cadence": _cadence,
    "charter": lambda r: charter_cell(r.charter),
}


def rows_html(rows: Iterable[Row], shown: list[str]) -> list[SafeString]:
    """One `<tr>` per row: the partnership's name, then the `shown` columns in their order."""
    depth, report = _url_of("health_depth"), _url_of("health_report")
    out = []
    for r in rows:
        pk, name = r.partnership.pk, _e(r.partnership.name)
        cells = [f'<tr><th scope="row"><a href="{_e(depth(pk))}">{name}</a></th>']
        for key in shown:
            if key == "report":
                cells.append(
                    f'<td><a href="{_e(report(pk))}">Report'
                    f'<span class="visually-hidden"> on {name}</span></a></td>'
                )
            elif key == "flags":
                cells.append(f'<td class="flags-cell">{_flags(r)}</td>')
            else:
                cells.append(f"<td>{CELLS[key](r)}</td>")
        cells.append("</tr>")
        # Every value above went through `_e`; the rest is this module's own markup.
        out.append(mark_safe("".join(cells)))  # noqa: S308
    return out
