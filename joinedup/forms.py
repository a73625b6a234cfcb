"""Carrying a write's validation errors back onto the form that asked for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


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
