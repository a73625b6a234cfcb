"""Forms for the Charter's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from joinedup.charter.models import Support
from joinedup.forms import IdPrefixedForm
from joinedup.partnerships.models import Organisation

NOT_OBSERVED = "not_observed"
LEVEL_CHOICES = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), (NOT_OBSERVED, "Not yet observed")]


def _orgs(orgs: list[Organisation]) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Organisation.objects.filter(pk__in=[o.pk for o in orgs]).order_by("name"),
        empty_label=None,
        label="Sign for",
    )


class SignForm(IdPrefixedForm):
    id_prefix = "sign"
    board_informed = forms.BooleanField(
        required=False, label="Our board or management committee has been told we are signing"
    )
    by_default = forms.BooleanField(
        required=False,
        label="We commit to partnership by default: new projects are planned with partners "
        "unless there is a case for going alone",
    )

    def __init__(self, *args: Any, signers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _orgs(signers)
        self.order_fields(["organisation", "board_informed", "by_default"])


class ReaffirmForm(IdPrefixedForm):
    id_prefix = "reaffirm"
    board_informed = forms.BooleanField(
        required=False, label="Our board or management committee has been told"
    )


class WithdrawForm(IdPrefixedForm):
    id_prefix = "withdraw"
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Why we are withdrawing"
    )


class SelfAssessmentForm(forms.Form):
    """One level (or "not yet observed") and an example for each skill. Nothing is
    preselected: a skill left blank is not answered (and not counted), so an empty form is
    refused rather than saved as "not yet observed" for every skill."""

    def __init__(
        self, *args: Any, skills: list[dict[str, Any]], orgs: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skills = skills
        field = _orgs(orgs)
        field.label = "My work at"
        self.fields["organisation"] = field
        for s in skills:
            self.fields[f"level_{s['key']}"] = forms.ChoiceField(
                choices=LEVEL_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                label=s["title"],
            )
            self.fields[f"evidence_{s['key']}"] = forms.CharField(
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=f"An example, for level 3 or 4 ({s['title']})",
            )
        self.fields["shared_with_manager"] = forms.BooleanField(
            required=False, label="Share my answers with my organisation's managers"
        )

    def groups(self) -> list[tuple[dict[str, Any], Any, Any]]:
        return [(s, self[f"level_{s['key']}"], self[f"evidence_{s['key']}"]) for s in self.skills]

    def answers(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        chosen = {s["key"]: data[f"level_{s['key']}"] for s in self.skills}
        return {
            key: {
                "level": None if level == NOT_OBSERVED else int(level),
                "evidence": data[f"evidence_{key}"],
            }
            for key, level in chosen.items()
            if level
        }


class PeerViewOpenForm(IdPrefixedForm):
    id_prefix = "peer-view"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from joinedup.charter.actions import PEER_VIEW_CLOSES, default_closing

        super().__init__(*args, **kwargs)
        self.fields["closes_on"] = PEER_VIEW_CLOSES.field(
            label="Ratings close on",
            help_text="The last day members can rate. Four weeks gives people time; the "
            "results are shown once it closes.",
            initial=default_closing(timezone.localdate()),
        )


DONT_KNOW = "dont_know"
SCORE_CHOICES = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), (DONT_KNOW, "Don't know")]
SCORE_NEEDED = "Give a score for “{title}”, or choose “don't know”."


class RateForm(forms.Form):
    """A score for each principle, or "don't know" — chosen, never assumed: nothing is
    preselected, and a principle left unanswered is an error naming it."""

    def __init__(
        self, *args: Any, principles: list[dict[str, Any]], orgs: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.principles = principles
        field = _orgs(orgs)
        field.label = "Rating for"
        self.fields["rater_org"] = field
        for p in principles:
            self.fields[f"p_{p['key']}"] = forms.ChoiceField(
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                label=f"Our score for “{p['title']}”",
                error_messages={
                    "required": SCORE_NEEDED.format(title=p["title"]),
                    "invalid_choice": SCORE_NEEDED.format(title=p["title"]),
                },
            )
        self.fields["comment"] = forms.CharField(
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            label="A comment (shown without your name)",
        )

    def groups(self) -> list[tuple[dict[str, Any], Any]]:
        return [(p, self[f"p_{p['key']}"]) for p in self.principles]

    def scores(self) -> dict[str, int | None]:
        chosen = {p["key"]: self.cleaned_data[f"p_{p['key']}"] for p in self.principles}
        return {k: None if v == DONT_KNOW else int(v) for k, v in chosen.items()}


class PlanForm(forms.Form):
    subject = forms.ChoiceField(label="Skill or principle")
    support = forms.ChoiceField(choices=Support.choices, widget=forms.RadioSelect, label="Support")
    note = forms.CharField(
        required=False, max_length=2000, label="Note", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]


SIGNS_NEEDED = "Give at least one sign for “{title}”, one per line."


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class CharterTextForm(forms.Form):
    """The text of a draft (or out-for-comment) version: its title and, for each principle,
    its title, statement of intent, and progress and warning signs one per line. Themes and
    principle keys stay as they are, so signatures and peer ratings keep their meaning."""

    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(max_length=200, label="Title of this version")

    def __init__(self, *args: Any, themes: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes = themes
        for theme in themes:
            for p in theme["principles"]:
                k = p["key"]
                self.fields[f"{k}-title"] = forms.CharField(
                    max_length=200,
                    label="Principle",
                    initial=p["title"],
                    error_messages={"required": f"Give a title for “{p['title']}”."},
                )
                self.fields[f"{k}-intent"] = forms.CharField(
                    max_length=4000,
                    label="Statement of intent",
                    initial=p["intent"],
                    error_messages={"required": f"Give a statement of intent for “{p['title']}”."},
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
                for part, label in (("progress", "Progress signs"), ("warning", "Warning signs")):
                    self.fields[f"{k}-{part}"] = forms.CharField(
                        max_length=4000,
                        label=f"{label}, one per line",
                        initial="\n".join(p[part]),
                        error_messages={"required": SIGNS_NEEDED.format(title=p["title"])},
                        widget=forms.Textarea(attrs={"rows": 4}),
                    )

    def groups(self) -> list[tuple[dict[str, Any], list[tuple[dict[str, Any], list[Any]]]]]:
        """[(theme, [(principle, [its bound fields])])] for the template's fieldsets."""
        parts = ("title", "intent", "progress", "warning")
        return [
            (t, [(p, [self[f"{p['key']}-{x}"] for x in parts]) for p in t["principles"]])
            for t in self.themes
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for theme in self.themes:
            for p in theme["principles"]:
                for part in ("progress", "warning"):
                    name = f"{p['key']}-{part}"
                    if name in data and not _lines(data[name]):
                        self.add_error(name, SIGNS_NEEDED.format(title=p["title"]))
        return data

    def edited_themes(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                **t,
                "principles": [
                    {
                        **p,
                        "title": data[f"{p['key']}-title"].strip(),
                        "intent": data[f"{p['key']}-intent"].strip(),
                        "progress": _lines(data[f"{p['key']}-progress"]),
                        "warning": _lines(data[f"{p['key']}-warning"]),
                    }
                    for p in t["principles"]
                ],
            }
            for t in self.themes
        ]
