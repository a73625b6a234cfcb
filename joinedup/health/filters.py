"""The programme view's query string: what to show and in what order, validated at the edge."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms

from joinedup.figures.rows import Row
from joinedup.health.depth import STAGE_LABELS, Stage
from joinedup.health.programme import ProgrammeRow
from joinedup.health.scoring import Band

SORTS = [
    ("name", "Partnership"),
    ("hub", "Hub"),
    ("members", "Members"),
    ("stage", "Depth"),
    ("health", "Health check"),
    ("divided", "Factors divided"),
    ("referrals", "Referrals"),
    ("resources", "Resources exchanged"),
    ("meetings", "Meetings held"),
    ("joined", "Joined"),
    ("left", "Left"),
    ("reciprocity", "Reciprocity"),
    ("cadence", "Cadence kept"),
    ("flags", "Flags"),
]
BANDS = [("", "Any"), *Band.LABELS.items(), ("none", "No health check")]

# The columns a person may hide; the partnership's name always shows, fixed at the left. At
# 1280 pixels the table holds about eight, so those are shown until the person chooses.
# The Good Partners Charter's column is never a sort: partnerships are not ranked by it.
COLUMNS = [*SORTS[1:], ("charter", "Good Partners Charter"), ("report", "Report")]
COLUMN_KEYS = [key for key, _ in COLUMNS]
DEFAULT_COLUMNS = [
    "hub",
    "members",
    "stage",
    "health",
    "referrals",
    "cadence",
    "flags",
    "report",
]
PREFERENCE = "programme_columns"
R = TypeVar("R", ProgrammeRow, Row)  # rows computed live, or read from the stored figures


def chosen_columns(preferences: dict[str, Any]) -> list[str]:
    """The columns a person chose, in the table's order; the default until they choose. A
    column no longer offered is left out."""
    chosen = preferences.get(PREFERENCE)
    if not isinstance(chosen, list):
        return DEFAULT_COLUMNS
    return [key for key in COLUMN_KEYS if key in chosen]


class ColumnsForm(forms.Form):
    """Which columns of the programme view to show; "every column" adds them all back."""

    columns = forms.MultipleChoiceField(
        label="Columns to show",
        required=False,
        choices=COLUMNS,
        widget=forms.CheckboxSelectMultiple,
    )
    every = forms.BooleanField(required=False)  # sent by the "Show every column" button
    # The filters and order of the page the form was sent from, to return to them.
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def chosen(self) -> list[str]:
        data = self.cleaned_data
        return COLUMN_KEYS if data["every"] else [k for k in COLUMN_KEYS if k in data["columns"]]


class ProgrammeFilter(forms.Form):
    q = forms.CharField(label="Name contains", required=False, max_length=100)
    hub = forms.TypedChoiceField(label="Hub", required=False, coerce=int, empty_value=None)
    stage = forms.ChoiceField(
        label="Depth",
        required=False,
        choices=[("", "Any"), *((s.slug, STAGE_LABELS[s]) for s in Stage)],
    )
    band = forms.ChoiceField(label="Health check", required=False, choices=BANDS)
    flagged = forms.ChoiceField(
        label="Flags",
        required=False,
        choices=[("", "Any"), ("yes", "With flags"), ("no", "Without flags")],
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS)
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("asc", "Ascending"), ("desc", "Descending")],
    )

    def __init__(self, *args: Any, hubs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hub = self.fields["hub"]
        assert isinstance(hub, forms.TypedChoiceField)
        hub.choices = [("", "Any"), *hubs]

    def apply(self, found: list[R]) -> list[R]:
        """The rows that pass, in the chosen order; all rows by name when the form is invalid."""
        if not self.is_valid():
            return found
        data = self.cleaned_data
        if data["q"]:
            found = [r for r in found if data["q"].lower() in r.partnership.name.lower()]
        if data["hub"] is not None:
            found = [r for r in found if r.partnership.hub_id == data["hub"]]
        if data["stage"]:
            found = [r for r in found if r.stage is not None and r.stage.slug == data["stage"]]
        if data["band"]:
            wanted = None if data["band"] == "none" else data["band"]
            found = [r for r in found if r.band == wanted]
        if data["flagged"]:
            found = [r for r in found if bool(r.flags) == (data["flagged"] == "yes")]
        key = data["sort"] or "name"
        desc = data["order"] == "desc"
        present = [r for r in found if r.value(key) is not None]
        missing = [r for r in found if r.value(key) is None]
        # Rows without the figure go last whichever the order.
        return sorted(present, key=lambda r: r.value(key), reverse=desc) + missing
