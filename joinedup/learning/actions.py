"""Writes for the learning framework, evaluators, sources, coding and summaries (l-coding)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.actions import action, person
from joinedup.audit.actions import audit_record
from joinedup.learning.models import (
    CaseKind,
    Evaluator,
    Framework,
    Highlight,
    Source,
    Summary,
    Theme,
    ThemeCategory,
)
from joinedup.learning.refi import CodeIn
from joinedup.learning.sources import SourceText
from joinedup.learning.text import normalise
from joinedup.programmes.models import Programme

MAX_SOURCE_CHARS = 500_000


@action
def evaluator_add(*, by: Any, programme: Programme, user: Any) -> Evaluator:
    evaluator, _ = Evaluator.objects.get_or_create(
        programme=programme, user=user, defaults={"added_by": person(by)}
    )
    audit_record(
        actor=by, action="learning.evaluator_add", obj=programme, after={"evaluator": user.email}
    )
    return evaluator


@action
def evaluator_remove(*, by: Any, programme: Programme, user: Any) -> None:
    Evaluator.objects.filter(programme=programme, user=user).delete()
    audit_record(
        actor=by,
        action="learning.evaluator_remove",
        obj=programme,
        before={"evaluator": user.email},
    )


def current_framework(programme: Programme) -> Framework | None:
    return Framework.objects.filter(programme=programme).order_by("-version").first()


def parse_outline(text: str) -> list[CodeIn]:
    """The framework form's plain outline: a line "# Category" starts a category; every other
    line is "Theme: description" (the description optional)."""
    found: list[CodeIn] = []
    category: CodeIn | None = None
    for number, raw in enumerate(normalise(text).split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            name = line.lstrip("#").strip()
            if not name:
                raise ValidationError({"outline": f"Line {number}: a category needs a name."})
            category = CodeIn(name=name[:200], codable=False)
            found.append(category)
            continue
        name, _, description = line.partition(":")
        if not name.strip():
            raise ValidationError({"outline": f"Line {number}: a theme needs a name."})
        theme = CodeIn(name=name.strip()[:200], description=description.strip())
        (category.children if category else found).append(theme)
    return found


def outline_of(framework: Framework | None) -> str:
    if framework is None:
        return ""
    lines: list[str] = []
    themes = list(framework.themes.all())
    for t in (t for t in themes if t.category_id is None):
        lines.append(f"{t.name}: {t.description}".rstrip(": "))
    for c in framework.categories.all():
        lines.append(f"# {c.name}")
        for t in (t for t in themes if t.category_id == c.pk):
            lines.append(f"{t.name}: {t.description}".rstrip(": "))
    return "\n".join(lines)


@action
def framework_revise(
    *, by: Any, programme: Programme, codes: list[CodeIn], name: str = "", why: str = "edit"
) -> Framework:
    """A new version of the programme's framework holding `codes` (categories, each with its
    themes, and themes outside any category). Coding keeps pointing at the version it was made
    against; a theme or category keeps its guid across versions when its name (or the guid
    given, from a `.qdc`) matches one in the version before, so its evidence carries over."""
    before = (
        Framework.objects.select_for_update()
        .filter(programme=programme)
        .order_by("-version")
        .first()
    )
    old_themes = {t.name.casefold(): t.guid for t in before.themes.all()} if before else {}
    old_categories = {c.name.casefold(): c.guid for c in before.categories.all()} if before else {}
    themes: list[tuple[CodeIn, CodeIn | None]] = []
    for code in codes:
        if code.children or not code.codable:
            themes += [(child, code) for child in _flatten(code.children)]
        else:
            themes.append((code, None))
    if not themes:
        raise ValidationError({"outline": "A framework needs at least one theme."})
    names = [t.name.casefold() for t, _ in themes]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValidationError(
            {"outline": f"Each theme appears once; twice: {', '.join(duplicates)}."}
        )
    version = (before.version + 1) if before else 1
    framework = Framework.objects.create(
        programme=programme,
        version=version,
        name=(name or (before.name if before else "") or "Learning framework")[:200],
        created_by=person(by),
    )
    categories: dict[int, ThemeCategory] = {}
    used_guids: set[str] = set()
    for order, (theme_in, parent) in enumerate(themes):
        category = None
        if parent is not None:
            if id(parent) not in categories:
                guid = _guid(parent.guid, old_categories.get(parent.name.casefold()), used_guids)
                categories[id(parent)] = ThemeCategory.objects.create(
                    framework=framework, name=parent.name, order=len(categories), guid=guid
                )
            category = categories[id(parent)]
        Theme.objects.create(
            framework=framework,
            category=category,
            name=theme_in.name,
            description=theme_in.description,
            order=order,
            color=_color(theme_in.color),
            guid=_guid(theme_in.guid, old_themes.get(theme_in.name.casefold()), used_guids),
        )
    audit_record(
        actor=by,
        action=f"learning.framework_{why}",
        obj=programme,
        after={"version": version, "themes": len(themes)},
    )
    return framework


def _flatten(codes: list[CodeIn]) -> list[CodeIn]:
    """Themes below a category; deeper nesting than a category's themes is flattened."""
    out: list[CodeIn] = []
    for c in codes:
        if c.codable:
            out.append(c)
        out += _flatten(c.children)
    return out


def _guid(given: str, previous: Any, used: set[str]) -> uuid.UUID:
    for candidate in (given, str(previous) if previous else ""):
        if candidate and candidate not in used:
            used.add(candidate)
            return uuid.UUID(candidate)
    fresh = uuid.uuid4()
    used.add(str(fresh))
    return fresh


def _color(value: str) -> str:
    value = (value or "").strip()
    if (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        return value.upper()
    return ""


@action
def source_take(*, by: Any, programme: Programme, text: SourceText) -> Source:
    """The snapshot of `text` for coding, taken the first time it is opened. It is never
    rewritten afterwards, so highlight positions keep their meaning; a changed original is a
    new source only if its provider gives it a new key."""
    found = Source.objects.filter(programme=programme, kind=text.kind, key=text.key).first()
    if found is not None:
        return found
    body = normalise(text.text)
    if not body:
        raise ValidationError("This source has no text to code.")
    source = Source.objects.create(
        programme=programme,
        kind=text.kind,
        key=text.key[:100],
        title=text.title[:300],
        text=body[:MAX_SOURCE_CHARS],
        written_at=text.written_at,
        url=text.url[:500],
        partnership_id=text.partnership_id,
        organisation_id=text.organisation_id,
        hub_id=text.hub_id,
        taken_by=person(by),
    )
    audit_record(
        actor=by,
        action="learning.source_take",
        obj=source,
        after={"kind": source.kind, "key": source.key},
    )
    return source


@action
def document_upload(
    *,
    by: Any,
    programme: Programme,
    title: str,
    text: str,
    partnership: Any = None,
    organisation: Any = None,
    organisation_id: int | None = None,
    hub: Any = None,
) -> Source:
    """A document an evaluator uploads (an interview transcript as plain text), about a
    partnership, an organisation (a case when the matrix's cases are organisations), or both."""
    body = normalise(text)
    if not title.strip():
        raise ValidationError({"title": "Give the document a title."})
    if not body:
        raise ValidationError({"text": "The document has no text."})
    if len(body) > MAX_SOURCE_CHARS:
        raise ValidationError({"text": "The document is longer than 500,000 characters."})
    now = timezone.now()
    source = Source.objects.create(
        programme=programme,
        kind="document",
        key=uuid.uuid4().hex,
        title=title.strip()[:300],
        text=body,
        written_at=now,
        partnership=partnership,
        organisation_id=organisation.pk if organisation else organisation_id,
        hub=hub,
        taken_by=person(by),
    )
    audit_record(
        actor=by,
        action="learning.document_upload",
        obj=source,
        after={"title": source.title, "characters": len(body)},
    )
    return source


@action
def highlight_create(*, by: Any, source: Source, theme: Theme, start: int, end: int) -> Highlight:
    if not 0 <= start < end <= len(source.text):
        raise ValidationError(
            {"passage": f"A passage runs from 0 to {len(source.text)} and is not empty."}
        )
    current = current_framework(source.programme)
    if current is None or theme.framework_id != current.pk:
        raise ValidationError({"theme": "Code to a theme of the framework's current version."})
    highlight = Highlight.objects.create(
        source=source, theme=theme, start=start, end=end, coder=person(by)
    )
    audit_record(
        actor=by,
        action="learning.highlight_create",
        obj=source,
        after={"theme": theme.name, "start": start, "end": end},
    )
    return highlight


@action
def highlight_delete(*, by: Any, highlight: Highlight) -> None:
    audit_record(
        actor=by,
        action="learning.highlight_delete",
        obj=highlight.source,
        before={"theme": highlight.theme.name, "start": highlight.start, "end": highlight.end},
    )
    highlight.delete()


@action
def summary_write(
    *,
    by: Any,
    programme: Programme,
    case_kind: str,
    case_id: int,
    theme: Theme,
    text: str,
    highlights: list[Highlight],
) -> Summary:
    """The analyst's summary of one cell; writing it again replaces it (and clears its stale
    flag, since it is written after the evidence it has read)."""
    if case_kind not in CaseKind.values:
        raise ValidationError({"cases": "Cases are partnerships, organisations or hubs."})
    if not text.strip():
        raise ValidationError({"text": "Write the summary."})
    summary, _ = Summary.objects.update_or_create(
        programme=programme,
        case_kind=case_kind,
        case_id=case_id,
        theme_guid=theme.guid,
        defaults={"text": normalise(text), "written_at": timezone.now(), "written_by": person(by)},
    )
    summary.highlights.set(highlights)
    audit_record(
        actor=by,
        action="learning.summary_write",
        obj=programme,
        after={"case": f"{case_kind} {case_id}", "theme": theme.name},
    )
    return summary
