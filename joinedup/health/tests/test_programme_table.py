"""The programme view's rows, made in Python: every column's cell as the template drew it, and
every value escaped."""

from __future__ import annotations

import datetime as dt

from joinedup.figures.rows import Row
from joinedup.health.depth import Stage
from joinedup.health.filters import COLUMN_KEYS
from joinedup.health.programme_table import rows_html
from joinedup.partnerships.models import Partnership


def row(**changes: object) -> Row:
    figures: dict[str, object] = {
        "partnership": Partnership(pk=7, name="Riverside <b>Advice</b> & Co"),
        "members": 12,
        "stage": Stage.COOPERATING,
        "overall": 3.25,
        "band": "borderline",
        "divided": 2,
        "concerns": 1,
        "activity": {"referrals": 30, "resources": 4, "meetings": 6},
        "joined": 1,
        "left": 0,
        "reciprocity": 0.456,
        "cadence": (1, 2),
        "in_name_only": 0,
        "one_way": 0,
        "flags": ["Concern", "One-way <street>"],
        "ended": False,
        "end": dt.date(2026, 3, 31),
        "asymmetric": 0,
        "charter": {"has_charter": True, "signed": 3, "members": 12, "peer_year": 2026,
                    "spread": (2, 3.5, 4)},
    }  # fmt: skip
    figures.update(changes)
    return Row(**figures)  # type: ignore[arg-type]


def test_every_column_reads_as_the_template_drew_it() -> None:
    [html] = rows_html([row()], COLUMN_KEYS)
    name = "Riverside &lt;b&gt;Advice&lt;/b&gt; &amp; Co"
    assert html == (
        f'<tr><th scope="row"><a href="/partnerships/7/health/depth/">{name}</a></th>'
        "<td>—</td><td>12</td><td>Cooperating</td>"
        '<td><span class="band-dot borderline" aria-hidden="true"></span>3.3 borderline</td>'
        "<td>2</td><td>30</td><td>4</td><td>6</td><td>1</td><td>0</td><td>0.46</td>"
        "<td>1 of 2 on track</td>"
        '<td class="flags-cell"><span class="flag">Concern</span> '
        '<span class="flag">One-way &lt;street&gt;</span></td>'
        '<td>3 of 12 signed<br><span class="meta">Peer view 2026: scores 2 to 4, middle 3.5'
        "</span></td>"
        f'<td><a href="/partnerships/7/health/report/">Report<span class="visually-hidden"> on '
        f"{name}</span></a></td></tr>"
    )


def test_missing_figures_are_dashes_and_a_closed_partnership_says_when() -> None:
    quiet = row(stage=None, overall=None, reciprocity=None, flags=[], cadence=(0, 0),
                ended=True, charter=None)  # fmt: skip
    [html] = rows_html([quiet], ["stage", "health", "reciprocity", "cadence", "flags", "charter"])
    assert html.endswith(
        '<td>— <span class="flag">Closed 31 Mar 2026</span></td><td>—</td><td>—</td>'
        '<td>No series</td><td class="flags-cell">—</td><td>No Charter</td></tr>'
    )
