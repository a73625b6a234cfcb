"""Forms for the Charter's pages."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.charter.models import Support
from joinedup.forms import IdPrefixedForm
from joinedup.partnerships.models import Organisation

LEVEL_CHOICES = [("", "Not yet observed"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]
SCORE_CHOICES = [("", "Don't know"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]


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
    """One level (or "not yet observed") and an example for each skill."""

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
        return {
            s["key"]: {
                "level": int(data[f"level_{s['key']}"]) if data[f"level_{s['key']}"] else None,
                "evidence": data[f"evidence_{s['key']}"],
            }
            for s in self.skills
        }


class RateForm(forms.Form):
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
                choices=SCORE_CHOICES, required=False, widget=forms.RadioSelect, label=p["title"]
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
        return {
            p["key"]: int(self.cleaned_data[f"p_{p['key']}"])
            if self.cleaned_data[f"p_{p['key']}"]
            else None
            for p in self.principles
        }


class PlanForm(forms.Form):
    subject = forms.ChoiceField(label="Skill or principle")
    support = forms.ChoiceField(choices=Support.choices, widget=forms.RadioSelect, label="Support")
    note = forms.CharField(
        required=False, max_length=2000, label="Note", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]
