"""REFI-QDA 1.0 exchange files: a codebook (`.qdc`) and a project (`.qdpx`), so evaluators can
move a framework and its coding to and from MAXQDA, NVivo, ATLAS.ti and QualCoder.

Written with the standard library's ElementTree (the files are small and the structure fixed);
an uploaded codebook is read with defusedxml (no DTDs, no entity expansion).
The element and attribute names follow the REFI-QDA Codebook and Project standards
(`urn:QDA-XML:codebook:1.0`, `urn:QDA-XML:project:1.0`): a category of themes is a `Code`
with `isCodable="false"` holding its themes as nested `Code`s; a theme is a codable `Code`.
The schema file (Project-mrt2019.xsd) could not be obtained here, so the files are checked by
the tests against the structure the standard describes (namespaces, element order, required
attributes), not validated by an XSD."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as defused

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
MAX_QDC_BYTES = 2_000_000


class RefiError(ValueError):
    """A file that is not a REFI-QDA codebook Joined Up can read; the message says why."""


@dataclass
class CodeIn:
    name: str
    description: str = ""
    color: str = ""
    guid: str = ""
    codable: bool = True
    children: list[CodeIn] = field(default_factory=list)


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _code(
    parent: ET.Element,
    ns: str,
    *,
    guid: Any,
    name: str,
    codable: bool,
    color: str = "",
    description: str = "",
) -> ET.Element:
    attrs = {"guid": str(guid), "name": name, "isCodable": "true" if codable else "false"}
    if color:
        attrs["color"] = color
    el = ET.SubElement(parent, _q(ns, "Code"), attrs)
    if description:
        ET.SubElement(el, _q(ns, "Description")).text = description
    return el


def codebook_element(framework: Any, ns: str) -> ET.Element:
    """`<CodeBook><Codes>…</Codes></CodeBook>` for `framework` (categories and themes)."""
    book = ET.Element(_q(ns, "CodeBook"))
    codes = ET.SubElement(book, _q(ns, "Codes"))
    if framework is None:
        return book
    themes = list(framework.themes.all())
    for category in framework.categories.all():
        parent = _code(codes, ns, guid=category.guid, name=category.name, codable=False)
        for theme in (t for t in themes if t.category_id == category.pk):
            _theme(parent, ns, theme)
    for theme in (t for t in themes if t.category_id is None):
        _theme(codes, ns, theme)
    return book


def _theme(parent: ET.Element, ns: str, theme: Any) -> None:
    _code(
        parent,
        ns,
        guid=theme.guid,
        name=theme.name,
        codable=True,
        color=theme.color,
        description=theme.description,
    )


def _bytes(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    out = io.BytesIO()
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue()


def export_qdc(framework: Any) -> bytes:
    root = codebook_element(framework, CODEBOOK_NS)
    root.set("origin", "Joined Up")
    return _bytes(root, CODEBOOK_NS)


MAX_QDC_DEPTH = 20  # a framework's categories and themes: two or three levels in practice


def parse_qdc(data: bytes) -> list[CodeIn]:
    """The codes of a `.qdc` (or a `.qde`'s CodeBook), nested as in the file."""
    if len(data) > MAX_QDC_BYTES:
        raise RefiError("The codebook is larger than 2 MB.")
    try:
        root = defused.fromstring(data, forbid_dtd=True)
    except ET.ParseError as error:
        raise RefiError(f"The file is not well-formed XML ({error}).") from None
    except DefusedXmlException:
        raise RefiError("The codebook declares a document type; REFI-QDA files do not.") from None
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if ns not in (CODEBOOK_NS, PROJECT_NS):
        raise RefiError(f"The file is not in the REFI-QDA codebook namespace ({CODEBOOK_NS}).")
    book = root if root.tag == _q(ns, "CodeBook") else root.find(_q(ns, "CodeBook"))
    codes = book.find(_q(ns, "Codes")) if book is not None else None
    if codes is None:
        raise RefiError("The file has no CodeBook/Codes.")

    def read(el: ET.Element, depth: int = 1) -> CodeIn:
        if depth > MAX_QDC_DEPTH:
            raise RefiError(f"Codes are nested more than {MAX_QDC_DEPTH} deep.")
        name = (el.get("name") or "").strip()
        if not name:
            raise RefiError("A Code has no name.")
        guid = el.get("guid") or ""
        try:
            uuid.UUID(guid)
        except ValueError:
            guid = ""
        desc = el.find(_q(ns, "Description"))
        return CodeIn(
            name=name[:200],
            description=(desc.text or "").strip() if desc is not None else "",
            color=(el.get("color") or "")[:7],
            guid=guid,
            codable=el.get("isCodable", "true") != "false",
            children=[read(c, depth + 1) for c in el.findall(_q(ns, "Code"))],
        )

    found = [read(c) for c in codes.findall(_q(ns, "Code"))]
    if not found:
        raise RefiError("The codebook has no codes.")
    return found


@dataclass
class ProjectData:
    """What a `.qdpx` holds, gathered by `queries.project_data`."""

    name: str
    framework: Any  # None: no framework yet, an empty CodeBook
    users: list[Any]  # User
    sources: list[Any]  # Source, with .highlights prefetched
    cases: list[tuple[str, str, list[Any]]]  # (guid, name, [Source])
    summaries: list[tuple[Any, str, list[Any]]]  # (Summary, heading, [Highlight])
    themes_by_guid: dict[str, Any]


def export_qdpx(data: ProjectData) -> bytes:
    ns = PROJECT_NS
    user_guids = {
        u.pk: str(uuid.uuid5(uuid.NAMESPACE_URL, f"joinedup:user:{u.pk}")) for u in data.users
    }
    root = ET.Element(_q(ns, "Project"), {"name": data.name, "origin": "Joined Up"})
    users = ET.SubElement(root, _q(ns, "Users"))
    for u in data.users:
        ET.SubElement(
            users, _q(ns, "User"), {"guid": user_guids[u.pk], "name": str(u.name or u.pk)}
        )
    book = codebook_element(data.framework, ns)
    root.append(book)
    # Cases before Sources, as in the standard's sequence (Users, CodeBook, Variables, Cases,
    # Sources, Notes, Links, Sets, Graphs, Description).
    cases = ET.SubElement(root, _q(ns, "Cases"))
    for guid, name, sources in data.cases:
        case = ET.SubElement(cases, _q(ns, "Case"), {"guid": guid, "name": name})
        for source in sources:
            ET.SubElement(case, _q(ns, "SourceRef"), {"targetGUID": str(source.guid)})
    # A summary is a Note; each highlight it rests on points to it with a NoteRef.
    note_guids = {
        summary.pk: str(uuid.uuid5(uuid.NAMESPACE_URL, f"joinedup:summary:{summary.pk}"))
        for summary, _, _ in data.summaries
    }
    notes_of: dict[int, list[str]] = {}
    for summary, _, highlights in data.summaries:
        for h in highlights:
            notes_of.setdefault(h.pk, []).append(note_guids[summary.pk])
    files: dict[str, bytes] = {}
    srcs = ET.SubElement(root, _q(ns, "Sources"))
    for source in data.sources:
        path = f"{source.guid}.txt"
        files[f"sources/{path}"] = source.text.encode("utf-8")
        ts = ET.SubElement(
            srcs,
            _q(ns, "TextSource"),
            {
                "guid": str(source.guid),
                "name": source.title[:200],
                "plainTextPath": f"internal://{path}",
                "creationDateTime": source.written_at.isoformat(),
            },
        )
        ET.SubElement(ts, _q(ns, "PlainTextContent")).text = source.text
        for h in source.highlights.all():
            theme_guid = str(h.theme.guid)
            sel = ET.SubElement(
                ts,
                _q(ns, "PlainTextSelection"),
                {
                    "guid": str(h.guid),
                    "name": h.passage[:60],
                    "startPosition": str(h.start),
                    "endPosition": str(h.end),
                    "creationDateTime": h.coded_at.isoformat(),
                    **(
                        {"creatingUser": user_guids[h.coder_id]} if h.coder_id in user_guids else {}
                    ),
                },
            )
            coding = ET.SubElement(
                sel,
                _q(ns, "Coding"),
                {
                    "guid": str(uuid.uuid5(h.guid, "coding")),
                    "creationDateTime": h.coded_at.isoformat(),
                    **(
                        {"creatingUser": user_guids[h.coder_id]} if h.coder_id in user_guids else {}
                    ),
                },
            )
            ET.SubElement(coding, _q(ns, "CodeRef"), {"targetGUID": theme_guid})
            for note_guid in notes_of.get(h.pk, []):
                ET.SubElement(sel, _q(ns, "NoteRef"), {"targetGUID": note_guid})
    notes = ET.SubElement(root, _q(ns, "Notes"))
    for summary, heading, _ in data.summaries:
        note = ET.SubElement(
            notes,
            _q(ns, "Note"),
            {
                "guid": note_guids[summary.pk],
                "name": heading[:200],
                "creationDateTime": summary.written_at.isoformat(),
                **(
                    {"creatingUser": user_guids[summary.written_by_id]}
                    if summary.written_by_id in user_guids
                    else {}
                ),
            },
        )
        ET.SubElement(note, _q(ns, "PlainTextContent")).text = summary.text
    if not len(notes):
        root.remove(notes)
    if not len(cases):
        root.remove(cases)
    ET.register_namespace("", ns)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", _bytes(root, ns))
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()
