"""Forms of the learning pages (l-coding)."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.learning.models import CaseKind

MAX_UPLOAD_BYTES = 2_000_000


class OutlineForm(forms.Form):
    name = forms.CharField(max_length=200, label="Framework name")
    outline = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}),
        label="Themes",
        help_text=(
            "One theme a line, as “Theme: what it covers”. A line starting with # names a "
            "category for the themes below it. Saving makes a new version; coding keeps the "
            "version it was made against."
        ),
    )


class QdcForm(forms.Form):
    file = forms.FileField(
        label="REFI-QDA codebook (.qdc)",
        help_text="Exported from MAXQDA, NVivo, ATLAS.ti or QualCoder. It becomes a new version.",
    )

    def clean_file(self) -> bytes:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        return f.read()


class EvaluatorForm(forms.Form):
    email = forms.EmailField(label="Email of the evaluator’s Joined Up account")


class SourceSortForm(forms.Form):
    """How the sources list is ordered (a query string: `?sort=`)."""

    sort = forms.ChoiceField(
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("case", "By partnership or organisation, then newest"),
        ],
        required=False,
        label="Sort",
    )


class DocumentForm(forms.Form):
    title = forms.CharField(
        max_length=300, label="Title", help_text="e.g. “Interview 4, project lead”"
    )
    case = forms.TypedChoiceField(
        coerce=int, label="Partnership it is about", required=False, empty_value=None
    )
    organisation = forms.TypedChoiceField(
        coerce=int, label="Organisation it is about", required=False, empty_value=None
    )
    file = forms.FileField(label="Text file (.txt, UTF-8)", required=False)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}), required=False, label="Or paste the text"
    )

    def __init__(
        self,
        *args: Any,
        partnerships: list[tuple[int, str]],
        organisations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "None in particular"), *organisations]  # type: ignore[attr-defined]
        self.fields["case"].choices = [("", "None in particular"), *partnerships]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                self.add_error("file", "The file is larger than 2 MB.")
                return data
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file is not UTF-8 text: save it as plain text (.txt).")
                return data
        if not (data.get("text") or "").strip():
            self.add_error("text", "Upload a text file or paste the text.")
        return data


class HighlightForm(forms.Form):
    passage = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Passage",
        help_text=(
            "Select the words in the text above, with the mouse or with Shift and the arrow "
            "keys, and the passage and which appearance fill in; or copy them here."
        ),
    )
    occurrence = forms.IntegerField(
        min_value=1,
        initial=1,
        label="Which appearance",
        help_text="If the passage appears more than once.",
    )
    theme = forms.TypedChoiceField(coerce=int, label="Theme")
    code_anyway = forms.BooleanField(
        required=False, label="Code it anyway: I have checked it names no one being supported"
    )

    def __init__(self, *args: Any, themes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [  # type: ignore[attr-defined]
            (t.pk, f"{t.category.name}: {t.name}" if t.category else t.name) for t in themes
        ]


class SummaryForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Summary")
    highlights = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="The highlights it rests on",
    )

    def __init__(self, *args: Any, highlights: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["highlights"].choices = [  # type: ignore[attr-defined]
            (h.pk, f"“{h.passage[:120]}” ({h.source.title})") for h in highlights
        ]


def case_kind(value: str | None) -> str:
    return value if value in CaseKind.values else CaseKind.PARTNERSHIP
