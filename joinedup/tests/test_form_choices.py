"""No required list offers a blank choice ("---------"): a required select or set of radio
buttons either starts on a real choice or has none chosen, never a choice that means none."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import joinedup

SKIPPED = (".tests", ".migrations", ".demo", "gunicorn_conf", "wsgi")


def form_classes() -> list[type[forms.BaseForm]]:
    importlib.import_module("joinedup.urls")  # first: the APIs import one another through it
    found: list[type[forms.BaseForm]] = []
    for module_info in pkgutil.walk_packages(joinedup.__path__, "joinedup."):
        if any(part in module_info.name for part in SKIPPED):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def has_blank_choice(field: forms.Field) -> bool:
    if isinstance(field, forms.ModelChoiceField):
        return field.empty_label is not None
    return any(value == "" for value, _ in field.choices)  # type: ignore[attr-defined]


def test_no_required_list_offers_a_blank_choice() -> None:
    """Fields declared on forms and those a model form makes; a field a form adds in its
    `__init__` is held by its own page's test (resources, meetings)."""
    classes = form_classes()
    assert len(classes) > 40  # the walk found the app's forms
    blank = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
        and not isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        and field.required
        and not field.widget.is_hidden
        and has_blank_choice(field)
    ]
    assert blank == []


def test_an_id_beyond_the_databases_range_is_an_invalid_choice(db: None) -> None:
    from joinedup.accounts.models import User
    from joinedup.forms import IdsChoiceField

    field = IdsChoiceField(queryset=User.objects.all())
    with pytest.raises(forms.ValidationError, match="not one of the available choices"):
        field.clean(["999999999999999999999"])
    # A digit Python's isdigit() accepts but int() does not is refused the same way, not a 500.
    for odd in ("²", "٣"):
        with pytest.raises(forms.ValidationError):
            field.clean([odd])


@pytest.mark.parametrize("value", [None, "2", ["3"]])
def test_a_quick_select_writes_what_djangos_select_writes(value: object) -> None:
    """`QuickSelect` writes its options in Python; the HTML is Django's own, attributes,
    the chosen option and escaping included."""
    from joinedup.forms import QuickSelect

    choices = [("", "Choose a partner"), ("1", "Axis & <Co>"), ("2", 'The "Hub"'), ("3", "Mind")]
    attrs = {"id": "id_rated", "required": True, "aria-invalid": "true", "disabled": False}
    django_html = forms.Select(choices=choices).render("rated", value, attrs)
    quick_html = QuickSelect(choices=choices).render("rated", value, attrs)
    assert quick_html == "".join(line.strip() for line in django_html.splitlines())
    assert "selected" in quick_html or value is None
