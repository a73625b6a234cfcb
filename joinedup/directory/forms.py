"""Forms for the directory: they validate input (the search's query string included);
`actions.py` writes."""

from __future__ import annotations

import codecs
import re
from typing import Any

from django import forms
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from joinedup.directory.models import (
    Capacity,
    Gender,
    ReferralMethod,
    Service,
    TaxonomyTerm,
    Visibility,
)
from joinedup.directory.needs import needs_taxonomy_name
from joinedup.directory.search import Criteria
from joinedup.forms import VersionedForm
from joinedup.partnerships.models import Organisation, Partnership

COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
IMPORT_MAX_BYTES = 50 * 1024 * 1024


def needs_terms() -> QuerySet[TaxonomyTerm]:
    """The needs people search by, parents before their children."""
    return TaxonomyTerm.objects.filter(taxonomy_name=needs_taxonomy_name()).order_by(
        Coalesce("parent__name", "name"), F("parent_id").asc(nulls_first=True), "name"
    )


class NeedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: TaxonomyTerm) -> str:
        return f"— {obj.name}" if obj.parent_id else obj.name


class SearchForm(forms.Form):
    """The search page's query string. Any bad value is named on the form (422), never a 500."""

    words = forms.CharField(required=False, max_length=200, label="Words")
    needs = NeedChoiceField(
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every need the person has: services that meet more of them come first.",
    )
    area = forms.CharField(
        required=False,
        max_length=100,
        help_text="A town, a district or a postcode district: a district finds the services "
        "in its towns.",
    )
    near = forms.CharField(
        required=False,
        max_length=40,
        label="Near",
        help_text="A postcode, a postcode district (DY10), a town or a district; or coordinates "
        "as latitude, longitude (53.45, -2.22).",
    )
    within_km = forms.FloatField(
        required=False, min_value=0.1, max_value=200, label="Within (km)", initial=10
    )
    age = forms.IntegerField(required=False, min_value=0, max_value=120, label="Age")
    gender = forms.ChoiceField(
        required=False, choices=[("", "Any")] + [c for c in Gender.choices if c[0]]
    )
    open_now = forms.BooleanField(required=False, label="Open now")
    capacity = forms.MultipleChoiceField(
        required=False,
        choices=Capacity.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for any.",
    )
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        required=False,
        empty_label="None",
        help_text="Its members' services come first and are marked.",
    )

    def __init__(self, *args: Any, partnerships: QuerySet[Partnership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs_terms()  # type: ignore[attr-defined]
        self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]

    def clean_near(self) -> tuple[float, float] | str | None:
        from joinedup.directory.gazetteer import gazetteer, outward_code
        from joinedup.directory.geocode import locate

        text = self.cleaned_data["near"].strip()
        if not text:
            return None
        match = COORDINATES.match(text)
        if match:
            lat, lon = float(match[1]), float(match[2])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise forms.ValidationError("Latitude runs from -90 to 90, longitude -180 to 180.")
            return lat, lon
        found = locate(text)
        district = outward_code(text)
        known = district and district != text.upper() and gazetteer().find(district)
        if found is None and known:
            raise forms.ValidationError(
                f"“{text}” is not a postcode in the directory: search near its postcode "
                f"district, {district}, instead."
            )
        if found is None:
            raise forms.ValidationError(
                f"“{text}” could not be located. Give a postcode, a postcode district (DY10), "
                "a town or a district, or coordinates."
            )
        return found

    def described(self) -> list[tuple[str, str]]:
        """What was searched, in words, each with the query-string field that gives it."""
        data = self.cleaned_data
        parts: list[tuple[str, str]] = []
        if data["words"].strip():
            parts.append((f"the words “{data['words'].strip()}”", "words"))
        for term in data["needs"]:
            parts.append((f"the need “{term.name}”", f"needs={term.pk}"))
        if data["area"].strip():
            parts.append((f"the area “{data['area'].strip()}”", "area"))
        if data["near"] is not None:
            km = data["within_km"] or 10.0
            parts.append((f"within {km:g} km of “{self.data.get('near', '').strip()}”", "near"))
        if data["age"] is not None:
            parts.append((f"age {data['age']}", "age"))
        if data["gender"]:
            parts.append((f"for {dict(Gender.choices)[data['gender']].lower()}", "gender"))
        if data["open_now"]:
            parts.append(("open now", "open_now"))
        if data["capacity"]:
            chosen = [str(dict(Capacity.choices)[c]).lower() for c in data["capacity"]]
            parts.append(("capacity " + " or ".join(chosen), "capacity"))
        return parts

    def criteria(self, members: tuple[int, ...]) -> Criteria:
        data = self.cleaned_data
        return Criteria(
            needs=tuple(term.pk for term in data["needs"]),
            words=data["words"],
            area=data["area"],
            near=data["near"],
            within_km=data["within_km"] or 10.0,
            age=data["age"],
            gender=data["gender"],
            open_now=data["open_now"],
            capacity=tuple(data["capacity"]),
            members=members,
        )


class ServiceForm(VersionedForm, forms.ModelForm):
    """A listing as its organisation keeps it, with the place it is delivered; the listing's
    `version` it was based on."""

    needs = NeedChoiceField(
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.CharField(
        required=False,
        max_length=1000,
        label="Areas served",
        help_text="Towns, boroughs or postcode districts, separated by commas.",
    )
    url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Website",
        help_text="Its address on the web, starting https:// or http://.",
    )
    address_1 = forms.CharField(required=False, max_length=300, label="Address")
    city = forms.CharField(required=False, max_length=200, label="Town or city")
    postal_code = forms.CharField(required=False, max_length=30, label="Postcode")
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    location_visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        label="Who may see the address",
        help_text="A refuge's address is confidential: only your organisation sees it.",
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "status",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "gender",
            "referral_criteria",
            "referral_method",
            "application_process",
            "wait_days",
            "capacity",
            "visibility",
            "url",
            "email",
        ]
        labels = {
            "eligibility_description": "Who it is for",
            "referral_criteria": "Referral criteria",
            "referral_method": "How to refer",
            "wait_days": "Waiting time (days)",
            "visibility": "Who may see this listing",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "referral_criteria": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs_terms()  # type: ignore[attr-defined]
        self.fields["referral_method"].choices = [("", "—"), *ReferralMethod.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", "The oldest age must not be below the youngest.")
        given = [data.get(k) for k in ("address_1", "city", "postal_code")]
        if any(given) and not all(given):
            self.add_error("address_1", "Give the address, town and postcode together, or none.")
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", "Give both latitude and longitude, or neither.")
        return data

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def area_names(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data.get("areas", "").split(",") if a.strip()]

    def place(self) -> dict[str, Any]:
        keys = ("address_1", "city", "postal_code", "latitude", "longitude", "location_visibility")
        return {key: self.cleaned_data.get(key) for key in keys}


class NewServiceForm(ServiceForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.order_fields(["organisation"])


class ReportForm(forms.Form):
    what_is_wrong = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What is wrong with this listing?",
    )


class ResolveForm(forms.Form):
    fixed = forms.TypedChoiceField(
        choices=[("yes", "Fixed"), ("no", "Not a problem")], coerce=lambda v: v == "yes"
    )
    note = forms.CharField(required=False, max_length=2000)


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="HSDS 3.0 JSON, or a datapackage zip of CSV files (3.0 or 1.x layout)."
    )
    country = forms.CharField(
        max_length=2, min_length=2, initial="GB", help_text="For addresses that give none."
    )
    encoding = forms.CharField(
        max_length=40,
        required=False,
        help_text="Leave empty for UTF-8. For CSV files saved in another encoding, name it "
        "(e.g. cp1252, latin-1).",
    )

    def clean_encoding(self) -> str:
        name = self.cleaned_data["encoding"].strip()
        if name:
            try:
                codecs.lookup(name)
            except LookupError:
                raise forms.ValidationError(
                    f"{name!r} is not an encoding we know: try utf-8, cp1252 or latin-1."
                ) from None
        return name

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file is over 50 MB: import it with the command.")
        if not upload.name.lower().endswith((".json", ".zip")):
            raise forms.ValidationError("Upload a .json document or a .zip datapackage.")
        return upload

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].upper()
        if not code.isalpha():
            raise forms.ValidationError("Give a two-letter country code, e.g. GB.")
        return code


class MergeForm(forms.Form):
    keep = forms.UUIDField()
    duplicate = forms.UUIDField()
    kind = forms.ChoiceField(choices=[("organization", "organization"), ("service", "service")])
