"""Forms for starting and editing a partnership, its outcomes, and registering an organisation."""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone

from joinedup import dates
from joinedup.forms import VersionedForm
from joinedup.partnerships.forms import OrganisationForm
from joinedup.partnerships.models import (
    MOST_OUTCOMES,
    OUTCOME_LIMITS,
    Organisation,
    PartnershipModel,
)

OUTCOME_NEEDS_TITLE = "Say what the outcome is, or leave the whole row empty."
NOT_A_DUPLICATE = "If it is a different organisation, tick “It is a different organisation”."


class PartnershipDetailsForm(forms.Form):
    name = forms.CharField(max_length=200)
    shared_goal = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the partners want to achieve together, in a sentence or two.",
    )


class PartnershipEditForm(VersionedForm, PartnershipDetailsForm):
    """The details as changed, with the partnership's `version` they were made from."""


class PartnershipStartForm(PartnershipDetailsForm):
    lead = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Lead partner",
        empty_label=None,
        help_text="Your organisation that leads it: it holds the grant and reports to the funder.",
    )
    start_on = dates.STARTED.field(label="Starts on", initial=timezone.localdate)
    model = forms.ChoiceField(
        choices=PartnershipModel.choices, initial=PartnershipModel.OTHER, label="How it works"
    )
    area = forms.CharField(max_length=200, required=False, help_text="Where it works.")

    def __init__(self, *args: Any, leads: QuerySet[Organisation], **kwargs: Any) -> None:
        """`leads`: the organisations the person may start a partnership for."""
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    """One measurable outcome. A row left wholly empty is no outcome (so an empty row can
    always be offered), and ticking "Remove" drops it."""

    title = forms.CharField(
        label="Outcome",
        required=False,
        max_length=OUTCOME_LIMITS["title"],
        help_text="The change the partnership works for, e.g. young people housed safely.",
    )
    measure = forms.CharField(
        required=False,
        max_length=OUTCOME_LIMITS["measure"],
        help_text="How you will know, e.g. number of young people given a tenancy.",
    )
    target = forms.CharField(
        required=False, max_length=OUTCOME_LIMITS["target"], help_text="e.g. 40 a year."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("title", "").strip() and (data.get("measure") or data.get("target")):
            self.add_error("title", OUTCOME_NEEDS_TITLE)
        return data

    def outcome(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if data.get("DELETE") or not data.get("title", "").strip():
            return None
        return {key: data.get(key, "").strip() for key in ("title", "measure", "target")}


class BaseOutcomeFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this outcome"


OutcomeFormSet = forms.formset_factory(
    OutcomeForm,
    formset=BaseOutcomeFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=MOST_OUTCOMES,
    validate_max=True,
)


def outcome_formset(
    data: Any = None, *, initial: list[dict[str, str]] | None = None, add: bool = False
) -> forms.BaseFormSet:
    """The outcome rows: those given, and one empty row to fill. With `add` (the "Add another
    outcome" button, which works without JavaScript) the posted rows come back with one more."""
    if data is not None and add:
        data = data.copy()
        key = "outcomes-TOTAL_FORMS"
        # A broken count is left for the formset to report as a broken management form.
        with contextlib.suppress(ValueError):
            data[key] = str(min(int(data.get(key, 0)) + 1, MOST_OUTCOMES))
    return OutcomeFormSet(data, initial=initial, prefix="outcomes")


def show_the_added_row(form: forms.Form, formset: forms.BaseFormSet) -> None:
    """After "Add another outcome" nothing has been submitted yet: the page comes back with what
    was typed, no "There is a problem" for the boxes not filled in yet, and the focus (and the
    scroll, without JavaScript) on the new row's first box."""
    for each in [form, *formset.forms]:
        each._errors = ErrorDict()  # validated when the form is submitted, not now
    formset._errors = [ErrorDict() for _ in formset.forms]  # type: ignore[attr-defined]
    formset._non_form_errors = formset.error_class()  # type: ignore[attr-defined]
    if formset.forms:
        formset.forms[-1].fields["title"].widget.attrs["autofocus"] = True


def outcomes_of(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    """The outcomes of a valid formset, in the order given."""
    return [o for form in formset.forms if (o := form.outcome()) is not None]  # type: ignore[attr-defined]


class RegisterOrganisationForm(OrganisationForm):
    """A new organisation's details. Whether its numbers are taken is checked before saving,
    with the organisation that has them named (see `registration.likely_duplicates`)."""

    different = forms.BooleanField(
        required=False,
        label="It is a different organisation",
        help_text="Tick if none of the organisations above is yours.",
    )

    def validate_unique(self) -> None:
        """The view says which organisation has the number; the action checks it again."""
