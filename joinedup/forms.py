"""Carrying a write's validation errors back onto the form that asked for it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

T = TypeVar("T")
F = TypeVar("F", bound="VersionedForm")


def add_action_errors(
    form: forms.BaseForm, error: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Put each error of `error` on the form's field of the same name, or on the whole form."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = rename.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


def act(
    form: forms.BaseForm,
    action: Callable[..., T],
    /,
    *,
    rename: dict[str, str] | None = None,
    **kwargs: Any,
) -> T | None:
    """Call `action(**kwargs)` for a valid form; if the action refuses, put its errors on the
    form and return None, so that the view re-renders the form with a 4xx."""
    try:
        return action(**kwargs)
    except ValidationError as error:
        add_action_errors(form, error, rename)
        return None


class IdPrefixedForm(forms.Form):
    """A form shown beside others on one page. Its ids start with `id_prefix` rather than
    Django's `id_`, so two forms with an `organisation` field do not both render
    `id="id_organisation"` (each label must name its own control). Field names, and so what is
    posted, are unchanged."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


KEEP = "keep__"


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):
        return sorted(
            json.dumps(v, sort_keys=True, default=str)
            if isinstance(v, dict)
            else str(getattr(v, "pk", v))
            for v in value
        )
    if hasattr(value, "_meta"):  # one model instance, as a choice of one cleans to
        return value.pk
    if isinstance(value, str):
        return value.replace("\r\n", "\n")  # browsers send a text box's lines with CRLF
    return value if value is not None else ""


def _fingerprint(value: Any) -> str:
    return hashlib.sha256(json.dumps(_comparable(value), default=str).encode()).hexdigest()[:12]


def fingerprints(values: dict[str, Any]) -> str:
    """What each field held when the form was filled in, in short: enough to tell, after a
    refused save, which side changed a field (a three-way merge) without sending it back."""
    return ";".join(f"{name}:{_fingerprint(value)}" for name, value in values.items())


def _base(text: str) -> dict[str, str]:
    return dict(part.split(":", 1) for part in text.split(";") if ":" in part)


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value) if value not in (None, "") else "(empty)"


class VersionedForm(forms.Form):
    """A form for a record two people may edit (joinedup.versions). It carries the `version`
    the person started from and the `base` fingerprints of what each field held then. After a
    refused save (`Stale`) the view shows it again with `merging`: both versions side by side
    for each field that differs, a choice per field (`keep__<field>`: theirs or yours) set to
    the side that changed it (yours when both did), and the person's own text still in the
    form to edit — now based on the current version."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    base = forms.CharField(widget=forms.HiddenInput, required=False, max_length=5000)
    conflicts: list[dict[str, Any]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            values = {k: v for k, v in self.initial.items() if k not in ("version", "base")}
            self.initial["base"] = fingerprints(values)

    def based_on(self) -> int | None:
        return self.cleaned_data.get("version")

    def changed_here(self, name: str, value: Any) -> bool:
        """Whether `value` differs from what `name` held when the form was shown — for what
        the form carries beside its fields (a partnership's outcomes, in a formset)."""
        return _base(self.data.get("base", "")).get(name) != _fingerprint(value)

    def take_theirs(self, theirs: dict[str, Any]) -> None:
        """Put theirs into the cleaned data of each field the person chose to keep theirs."""
        for name, value in theirs.items():
            if self.data.get(KEEP + name) == "theirs":
                self.cleaned_data[name] = value


def merging(
    form: VersionedForm,
    *,
    current: int,
    theirs: dict[str, Any],
    make: Callable[[QueryDict], F],
) -> F:
    """The form again after a save based on an old version was refused: bound to what the
    person sent (yours) but based on version `current`, with `conflicts` listing each field
    where the saved record (`theirs`, values as the form cleans them) differs."""
    data = cast(QueryDict, form.data).copy()
    for key in [k for k in data if k.startswith(KEEP)]:
        del data[key]
    base = _base(data.get("base", ""))
    data["version"] = str(current)
    data["base"] = fingerprints(theirs)
    yours = form.cleaned_data
    conflicts = []
    for name, value in theirs.items():
        mine = yours.get(name)
        if name not in form.fields or _comparable(mine) == _comparable(value):
            continue
        they_changed = base.get(name) != _fingerprint(value)
        i_changed = base.get(name) != _fingerprint(mine)
        keep = "theirs" if they_changed and not i_changed else "yours"
        data[KEEP + name] = keep
        if keep == "theirs" and isinstance(value, str):
            data[name] = value  # the form below shows what will be saved
        conflicts.append(
            {
                "name": name,
                "label": form.fields[name].label or name,
                "theirs": _shown(value),
                "yours": _shown(mine),
                "keep": keep,
                "both_changed": they_changed and i_changed,
                "input": KEEP + name,
            }
        )
    merged = make(data)
    merged.is_valid()
    merged.conflicts = conflicts
    return merged


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A set of records chosen by id, where an id beyond the database's integer range is an
    invalid choice like any other, not a database error (SQLite raises OverflowError)."""

    def _check_values(self, value: Any) -> Any:
        for v in value:
            text = str(v).strip()
            digits = text.lstrip("-")
            if digits.isascii() and digits.isdigit() and abs(int(text)) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20]},
                )
        return super()._check_values(value)  # type: ignore[misc]


class QuickSelect(forms.Select):
    """A single-choice select whose options are written in Python, not through a template each
    as Django's `Select` does: the rating form's list of 250 partners took 35 ms that way
    (issue 19). The same HTML as `forms.Select` for choices without groups
    (`tests/test_form_choices.py` compares them)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'<option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{escape(option['label'])}</option>"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return mark_safe(  # noqa: S308 (every value above is escaped)
            f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>{options}</select>'
        )


def _attrs(attrs: dict[str, Any]) -> str:
    """Attributes as Django's `attrs.html` writes them: True as the bare name, False left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
