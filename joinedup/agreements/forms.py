"""Forms for agreements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup.agreements.models import (
    DEFAULT_DELEGATE_ROLES,
    DELEGATE_ROLE_CHOICES,
    SECTIONS,
    AgreementKind,
)
from joinedup.forms import IdPrefixedForm, IdsChoiceField, VersionedForm
from joinedup.partnerships.models import Organisation


class SectionsForm(VersionedForm):
    """One text box per section of an agreement; after the decision-making section, who holds
    delegated authority for urgent decisions (ticks among `members`); the draft's `version`
    it was based on."""

    def __init__(
        self, *args: Any, members: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for key, title, help_text in SECTIONS:
            self.fields[key] = forms.CharField(
                label=title,
                help_text=help_text,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            if key == "decisions" and members is not None:
                self.fields["delegates"] = IdsChoiceField(
                    queryset=members,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    label="Delegated authority for urgent decisions is held by",
                    help_text="The organisations whose people may take an urgent decision at "
                    "once, to be ratified at the next meeting. None ticked: the lead's admins "
                    "and managers.",
                )
                self.fields["delegate_roles"] = forms.MultipleChoiceField(
                    choices=DELEGATE_ROLE_CHOICES,
                    required=False,
                    initial=DEFAULT_DELEGATE_ROLES,
                    widget=forms.CheckboxSelectMultiple,
                    label="Which of their people",
                )

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key, _, _ in SECTIONS}

    def delegated(self) -> dict[str, Any]:
        """The delegated authority ticked, as the agreements' actions take it."""
        if "delegates" not in self.fields:
            return {}
        delegates = list(self.cleaned_data.get("delegates") or [])
        roles = self.cleaned_data.get("delegate_roles") or []
        return {
            "delegates": delegates,
            "delegate_roles": roles or ([] if delegates else list(DEFAULT_DELEGATE_ROLES)),
        }


class AgreementForm(SectionsForm):
    def __init__(self, *args: Any, members: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, members=members, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            choices=AgreementKind.choices, widget=forms.RadioSelect
        )
        self.fields["title"] = forms.CharField(max_length=200)
        self.fields["counterparty"] = forms.ModelChoiceField(
            queryset=members,
            required=False,
            label="Partner (for a service-level agreement)",
        )
        self.order_fields(["kind", "title", "counterparty"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == AgreementKind.SLA and not data.get("counterparty"):
            self.add_error("counterparty", "Name the partner the service-level agreement is with.")
        return data


class CommentForm(IdPrefixedForm):
    id_prefix = "comment"  # beside the page's other forms
    section = forms.ChoiceField(choices=[(k, t) for k, t, _ in SECTIONS])
    text = forms.CharField(
        label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, acting: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=acting, empty_label=None, label="For", initial=acting.first()
        )
        self.order_fields(["organisation", "section", "text"])


class SignForm(IdPrefixedForm):
    id_prefix = "sign"  # beside the page's other forms
    board_informed = forms.BooleanField(
        required=False, label="Our board or management committee has been told of this agreement"
    )

    def __init__(self, *args: Any, signers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in signers]),
            empty_label=None,
            label="Sign for",
        )
        self.order_fields(["organisation", "board_informed"])


class AttestForm(forms.Form):
    item = forms.ChoiceField(choices=[], label="Must-do")
    note = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="How it was done."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from joinedup.agreements.mustdos import ATTESTED_KEYS

        super().__init__(*args, **kwargs)
        self.fields["item"].choices = ATTESTED_KEYS  # type: ignore[attr-defined]


class ConsultForm(IdPrefixedForm):
    id_prefix = "consult"  # beside the page's other forms
    note = forms.CharField(
        label="What the partner said", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, parties: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in parties]),
            empty_label=None,
            label="Partner consulted",
        )
        self.order_fields(["organisation", "note"])
