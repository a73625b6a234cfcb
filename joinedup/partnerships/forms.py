"""Forms for the partnership pages. They validate input; the actions in `actions.py` write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.forms import IdsChoiceField, VersionedForm
from joinedup.lib.needs import NEED_CHOICES
from joinedup.partnerships.models import (
    LEFT_BEFORE_JOINING,
    Level,
    MemberRole,
    Organisation,
    Partnership,
    Sector,
    SizeBand,
)

NEW_OR_EXISTING = "Choose an organisation, or give a new organisation's name and sector."


class AddMemberForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— a new organisation —",
        help_text="An organisation already in Joined Up.",
    )
    new_name = forms.CharField(label="New organisation's name", required=False, max_length=200)
    new_sector = forms.ChoiceField(
        label="New organisation's sector", required=False, choices=[("", "—"), *Sector.choices]
    )
    role = forms.ChoiceField(
        choices=[(MemberRole.CORE, "Core partner"), (MemberRole.WIDER, "Wider partner")],
        initial=MemberRole.WIDER,
        widget=forms.RadioSelect,
    )
    funded = forms.BooleanField(
        required=False, help_text="Core partners funded through the partnership."
    )
    levels = forms.MultipleChoiceField(
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Levels engaged",
    )
    joined_on = dates.JOINED.field(initial=timezone.localdate)

    def __init__(
        self, *args: Any, partnership: Partnership, choices: QuerySet[Organisation], **kwargs: Any
    ) -> None:
        """`choices`: the organisations the person adding may see; others are not offered."""
        super().__init__(*args, **kwargs)
        current = partnership.memberships.current().values("organisation_id")
        self.fields["organisation"].queryset = choices.exclude(pk__in=current)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_existing = data.get("organisation") is not None
        has_new = bool(data.get("new_name"))
        if has_existing == has_new:
            self.add_error("organisation", NEW_OR_EXISTING)
        elif has_new and not data.get("new_sector"):
            self.add_error("new_sector", "Choose the new organisation's sector.")
        return data


class ChangeMemberForm(forms.Form):
    role = forms.ChoiceField(choices=MemberRole.choices, widget=forms.RadioSelect)
    committed_hours = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=99999,
        decimal_places=1,
        label="Hours a month",
        help_text="Staff time the organisation commits to partnership work.",
    )
    contacts = IdsChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The people other partners should contact about this partnership.",
    )
    funded = forms.BooleanField(required=False)
    levels = forms.MultipleChoiceField(
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Levels engaged",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(affiliations__organisation=organisation, is_active=True)
        self.fields["contacts"].queryset = people  # type: ignore[attr-defined]


class LeaveForm(forms.Form):
    left_on = dates.LEFT.field(label="Left on", initial=timezone.localdate)
    reason = forms.CharField(
        label="Why it is leaving",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example: its funding ended; it is stepping down to focus on its own work.",
    )

    def __init__(self, *args: Any, joined_on: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.joined_on = joined_on

    def clean_left_on(self) -> dt.date:
        # Checked here too, so that confirming is asked only of a leaving that can be recorded.
        left_on: dt.date = self.cleaned_data["left_on"]
        if self.joined_on is not None and left_on < self.joined_on:
            raise forms.ValidationError(LEFT_BEFORE_JOINING)
        return left_on


class OrganisationForm(forms.ModelForm):
    specialisms = forms.MultipleChoiceField(
        choices=NEED_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    areas = forms.CharField(
        required=False, help_text="Places it serves, separated by commas.", max_length=2000
    )
    communities = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Communities it serves or is led by, separated by commas.",
    )
    # Most organisations in partnerships are voluntary ones; the list has no blank choice.
    sector = forms.ChoiceField(choices=Sector.choices, initial=Sector.VOLUNTARY)
    size = forms.ChoiceField(choices=[("", "—"), *SizeBand.choices], required=False)
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "sector",
            "size",
            "user_led",
            "charity_number",
            "company_number",
            "specialisms",
            "areas",
            "communities",
            "website",
            "description",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["areas"] = ", ".join(self.instance.areas)
            self.initial["communities"] = ", ".join(self.instance.communities)

    def clean_communities(self) -> list[str]:
        return _comma_list(self.cleaned_data["communities"])

    def clean_areas(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["areas"].split(",") if a.strip()]

    def clean_charity_number(self) -> str | None:
        return (self.cleaned_data.get("charity_number") or "").strip().upper() or None

    def clean_company_number(self) -> str | None:
        return (self.cleaned_data.get("company_number") or "").strip().upper() or None


def _comma_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


class CriteriaForm(VersionedForm):
    membership_criteria = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who may join, and what a partner commits to.",
    )
    member_limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10000,
        label="Most partners",
        help_text="Leave empty for no limit.",
    )
    wanted = forms.CharField(
        required=False,
        max_length=2000,
        label="Communities to be represented",
        help_text="Separated by commas, e.g. refugee women, black and minority ethnic women.",
    )

    def clean_wanted(self) -> list[str]:
        return _comma_list(self.cleaned_data["wanted"])


INVITE_ROLE = forms.ChoiceField(
    choices=[(MemberRole.CORE, "Core partner"), (MemberRole.WIDER, "Wider partner")],
    initial=MemberRole.WIDER,
    widget=forms.RadioSelect,
)


class OrganisationSearchForm(forms.Form):
    """Find an organisation already in Joined Up by its name, charity or company number."""

    q = forms.CharField(
        label="Name, charity number or company number",
        min_length=3,
        max_length=200,
        help_text="At least 3 characters.",
    )


class InviteExistingForm(forms.Form):
    """Invite an organisation found in Joined Up: its own admins answer for it."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), widget=forms.HiddenInput
    )
    role = INVITE_ROLE


class InviteNewForm(forms.Form):
    """Invite an organisation new to Joined Up, through a contact who becomes its first admin."""

    new_name = forms.CharField(label="Organisation's name", max_length=200)
    new_sector = forms.ChoiceField(
        label="Its sector", choices=Sector.choices, initial=Sector.VOLUNTARY
    )
    contact_name = forms.CharField(max_length=200, label="Contact's name")
    email = forms.EmailField(
        label="Contact's email address",
        help_text="They accept signed in with this address, and become the organisation's "
        "first admin in Joined Up.",
    )
    role = INVITE_ROLE


class RegisterForm(forms.Form):
    """A name and password for someone new, answering an invitation."""

    name = forms.CharField(
        max_length=200, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        label="Choose a password",
        min_length=10,
        help_text="At least 10 characters, not a common one: a few words together are easy to "
        "remember and hard to guess.",
    )

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        validate_password(password)
        return password
