"""Forms at the pages' edge: a reflection's template questions, sets, handover notes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.events.models import Event
from joinedup.forms import IdPrefixedForm, IdsChoiceField
from joinedup.meetings.models import Meeting
from joinedup.partnerships.models import Organisation
from joinedup.referrals.models import Referral
from joinedup.reflection.models import TEMPLATES, Sharing, Template

REFERRAL_WARNING = (
    "Reflect on what the referral taught you, not on the person: write no name, contact "
    "detail or story of the person referred."
)


class ReflectionForm(forms.Form):
    """The title, where it belongs, who reads it, and the chosen template's questions."""

    title = forms.CharField(max_length=200)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, label="About a meeting (optional)"
    )
    event = forms.ModelChoiceField(
        queryset=Event.objects.none(),
        required=False,
        label="About a hub event (optional)",
        help_text="Events of this partnership's hub, and those your organisation registered for.",
    )
    referral = forms.ModelChoiceField(
        queryset=Referral.objects.none(),
        required=False,
        label="About a referral's outcome (optional)",
        help_text=REFERRAL_WARNING,
    )
    sharing = forms.ChoiceField(
        choices=Sharing.choices,
        initial=Sharing.PRIVATE,
        widget=forms.RadioSelect,
        label="Who can read it",
        help_text="The partnership: its members' people and the programme's officers and "
        "evaluators. You can change this later.",
    )

    def __init__(
        self,
        *args: Any,
        template: str,
        organisations: Any,
        meetings: Any,
        referrals: Any,
        events: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        f = self.fields
        f["organisation"].queryset = organisations  # type: ignore[attr-defined]
        f["meeting"].queryset = meetings  # type: ignore[attr-defined]
        f["referral"].queryset = referrals  # type: ignore[attr-defined]
        f["event"].queryset = events if events is not None else Event.objects.none()  # type: ignore[attr-defined]
        f["event"].label_from_instance = (  # type: ignore[attr-defined]
            lambda e: f"{e.title}, {timezone.localtime(e.starts_at):%-d %b %Y}"
        )
        f["referral"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: (
                f"Referral {r.pk}: {r.need or 'need not given'}, {r.get_status_display().lower()}"
            )
        )
        for field, question in TEMPLATES[template][1]:
            f[field] = forms.CharField(
                label=question, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )

    def answers(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(field, "") for field, _ in TEMPLATES[self.template][1]}


class TemplateChoiceForm(IdPrefixedForm):
    id_prefix = "pick"
    template = forms.ChoiceField(choices=Template.choices, label="Template")


class SharingForm(forms.Form):
    sharing = forms.ChoiceField(
        choices=Sharing.choices, widget=forms.RadioSelect, label="Who can read it"
    )


class LearningSetForm(forms.Form):
    name = forms.CharField(max_length=200)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    confidentiality = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Confidentiality agreement",
        initial="What members bring to the set stays in the set. We do not repeat it, name "
        "anyone from it, or use it outside without the member's agreement.",
    )
    max_members = forms.IntegerField(min_value=2, max_value=12, initial=8, label="Most members")

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class JoinForm(IdPrefixedForm):
    id_prefix = "join"
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label=None, label="Joining for"
    )
    accept = forms.BooleanField(
        required=False, label="I accept the set's confidentiality agreement"
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class SessionForm(IdPrefixedForm):
    id_prefix = "session"
    held_on = forms.DateField(label="Held on", widget=forms.DateInput(attrs={"type": "date"}))
    attended = IdsChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Who came",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Notes (members only)"
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = members  # type: ignore[attr-defined]


class HandoverNotesForm(IdPrefixedForm):
    id_prefix = "notes"
    leaver_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="What the successor needs to know",
        help_text="Relationships, what is in hand, what to watch for. Optional when the "
        "person has already left.",
    )
    successor = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = people  # type: ignore[attr-defined]


class QuestionForm(IdPrefixedForm):
    id_prefix = "ask"
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Ask a question or answer one"
    )


class StartHandoverForm(IdPrefixedForm):
    id_prefix = "start"
    leaver = forms.ModelChoiceField(
        empty_label=None, queryset=User.objects.none(), label="Who is leaving"
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leaver"].queryset = people  # type: ignore[attr-defined]
