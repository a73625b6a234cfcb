"""Forms for an organisation's people pages. They validate input; `actions.py` writes."""

from __future__ import annotations

from django import forms

from joinedup.partnerships.models import OrgRole

ROLE_HELP = (
    "Admins run the organisation's people and act for it; managers and staff act for it "
    "(offer, book, refer, comment); volunteers and trustees see what it sees but do not act."
)


class PersonInviteForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        help_text="They accept signed in with this address, or make an account with it.",
    )
    role = forms.ChoiceField(choices=OrgRole.choices, initial=OrgRole.STAFF, help_text=ROLE_HELP)
    job_title = forms.CharField(max_length=200, required=False, label="Job title")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=OrgRole.choices, help_text=ROLE_HELP)
    job_title = forms.CharField(max_length=200, required=False, label="Job title")


class RemoveForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: left the organisation; changed job. The history keeps it.",
    )
