"""Reading agreements: a readable diff between two versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from joinedup.agreements.models import SECTIONS, AgreementVersion


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class SectionDiff:
    title: str
    pieces: list[Piece]


DELEGATION = "Delegated authority for urgent decisions"


def diff(old: AgreementVersion, new: AgreementVersion) -> list[SectionDiff]:
    """Word by word, for each section whose text changed between `old` and `new`, and who
    holds delegated authority (part of the decision-making section) when that changed."""
    texts = [
        (title, old.sections.get(key, ""), new.sections.get(key, "")) for key, title, _ in SECTIONS
    ]
    texts.append((DELEGATION, old.delegation(), new.delegation()))
    changed = []
    for title, before, after in texts:
        if before == after:
            continue
        a, b = before.split(), after.split()
        pieces = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op == "equal":
                pieces.append(Piece("same", " ".join(a[i1:i2])))
                continue
            if i2 > i1:
                pieces.append(Piece("removed", " ".join(a[i1:i2])))
            if j2 > j1:
                pieces.append(Piece("added", " ".join(b[j1:j2])))
        changed.append(SectionDiff(title, pieces))
    return changed
