"""The evidence pages' long tables made in Python write what the templates wrote: escaped
names, the same number formats, the same flags (`health.evidence_tables`)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from joinedup.health.evidence_tables import member_rows, organisation_rows, reciprocity_rows

NAME = 'Axis & <Co> "North"'
ESCAPED = "Axis &amp; &lt;Co&gt; &quot;North&quot;"


def test_reciprocity_rows_escape_names_and_format_hours_and_indices_as_the_template_did() -> None:
    evidence = SimpleNamespace(
        name=NAME,
        referrals_received=3,
        referrals_made=1,
        resources_given=0,
        resources_received=2,
        hours_given=Decimal("2.50"),
        hours_received=Decimal("4.00"),
    )
    member = SimpleNamespace(
        evidence=evidence, reciprocity=SimpleNamespace(index=0.5, hours_index=None, flag="x")
    )
    assert reciprocity_rows([member]) == (
        f'<tr><th scope="row">{ESCAPED}</th><td>3 / 1</td><td>0 / 2</td><td>2.5 / 4</td>'
        '<td>0.50</td><td>—</td><td><span class="flag">One-way street</span></td></tr>'
    )


def test_member_and_organisation_rows_escape_every_cell() -> None:
    report = {k: "<i>" for k in ("stage", "role", "meetings", "positions", "agreements")}
    report |= {k: "1" for k in ("levels", "rounds", "rated", "hours", "unmet")}
    html = member_rows([{"name": NAME, "new": True, **report}])
    assert html.startswith(f'<tr><th scope="row">{ESCAPED} (new)</th><td>&lt;i&gt;</td>')
    assert "<i>" not in html
    node = SimpleNamespace(name=NAME, activity=7)
    rows = [
        {"node": node, "sector": "<s>", "ties": 2, "betweenness": 0.125, "broker": True},
        {"node": node, "sector": "", "ties": 0, "betweenness": 0, "broker": False, "isolate": True},
    ]
    html = organisation_rows(r | {"isolate": r.get("isolate", False)} for r in rows)
    assert f'<th scope="row">{ESCAPED}</th><td>&lt;s&gt;</td><td>7</td><td>2</td>' in html
    assert "<td>0.13</td><td>Broker</td>" in html
    assert '<td>0.00</td><td><span class="flag">No working tie</span></td>' in html
