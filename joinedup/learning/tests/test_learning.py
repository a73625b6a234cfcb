"""The framework, coding and the matrix (issue 17, items 4 and 7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest
from defusedxml import ElementTree as ET
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for
from joinedup.jobs.testing import exported
from joinedup.learning import actions, queries, refi
from joinedup.learning.models import Summary
from joinedup.learning.sources import SourceText
from joinedup.learning.tests.conftest import code

QDC = "{urn:QDA-XML:codebook:1.0}"
QDE = "{urn:QDA-XML:project:1.0}"


def test_positions_count_code_points_over_the_normalised_copy(learning: SimpleNamespace) -> None:
    w = learning
    text = w.interview.text
    assert "\r" not in text and "café" in text and len("café") == 4  # NFC: é is one code point
    h = code(w, w.eve, "meetings helped communication", w.comms)
    # 🤝 is one code point (two in UTF-16, four in UTF-8), so the start is the str index.
    assert h.start == text.index("meetings") and h.passage == "meetings helped communication"
    emoji = code(w, w.eve, "now 🤝", w.trust)
    assert emoji.end - emoji.start == 5


def test_the_matrix_counts_says_not_mentioned_and_flags_stale_summaries(
    learning: SimpleNamespace,
) -> None:
    w = learning
    first = code(w, w.eve, "We trust each other", w.trust)
    code(w, w.ezra, "trust each other now", w.trust)
    code(w, w.eve, "two coordinators left", w.turnover)
    summary = actions.summary_write(
        by=w.eve,
        programme=w.programme,
        case_kind="partnership",
        case_id=w.partnership.pk,
        theme=w.trust,
        text="Trust has grown.",
        highlights=[first],
    )
    turnover_summary = actions.summary_write(
        by=w.eve,
        programme=w.programme,
        case_kind="partnership",
        case_id=w.partnership.pk,
        theme=w.turnover,
        text="People leave.",
        highlights=[],
    )
    # New evidence after the trust summary was written: it is stale; turnover's is not.
    Summary.objects.filter(pk=summary.pk).update(written_at=timezone.now() - dt.timedelta(hours=1))
    m = queries.matrix(w.programme)
    trust = m.cells[(w.partnership.pk, w.trust.guid)]
    assert (trust.count, len(trust.sources), len(trust.coders)) == (2, 1, 2)
    assert trust.stale and trust.summary_rests_on == [first.pk]
    turnover = m.cells[(w.partnership.pk, w.turnover.guid)]
    assert not turnover.stale and turnover.summary == turnover_summary
    assert not m.cells[(w.partnership.pk, w.comms.guid)].mentioned
    assert all(not c.mentioned for c in m.row(next(c for c in m.cases if c.id == w.second.pk)))
    assert [t.name for t in queries.most_evidenced_themes(w.programme, 5)] == [
        "Trust",
        "Staff turnover and capacity",
    ]
    page = client_for(w.otis).get(reverse("learning_matrix", args=[w.programme.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "2 passages" in body and "not mentioned" in body and "stale" in body
    # Agreement: Eve's and Ezra's trust highlights overlap and agree.
    agreement = {
        a.theme.name: a.share for a in queries.agreement(w.programme, m.themes, w.eve.pk, w.ezra.pk)
    }
    assert agreement["Trust"] == 1.0 and agreement["Communication"] is None


def test_a_new_framework_version_keeps_the_evidence_of_themes_that_keep_their_name(
    learning: SimpleNamespace,
) -> None:
    w = learning
    code(w, w.eve, "We trust each other", w.trust)
    v2 = actions.framework_revise(
        by=w.eve,
        programme=w.programme,
        codes=actions.parse_outline("Trust: relying on each other\nFlexibility"),
    )
    assert v2.version == 2
    assert w.interview.highlights.get().theme.framework_id == w.framework.pk  # kept its version
    m = queries.matrix(w.programme)
    assert [t.name for t in m.themes] == ["Trust", "Flexibility"]
    assert m.cells[(w.partnership.pk, v2.themes.get(name="Trust").guid)].count == 1


def test_the_codebook_exports_as_refi_qda_and_imports_back(learning: SimpleNamespace) -> None:
    w = learning
    data = refi.export_qdc(w.framework)
    root = ET.fromstring(data)
    assert root.tag == f"{QDC}CodeBook"
    categories = root.findall(f"{QDC}Codes/{QDC}Code")
    assert [(c.get("name"), c.get("isCodable")) for c in categories] == [
        ("Working together", "false"),
        ("Capacity", "false"),
    ]
    trust = categories[0].find(f"{QDC}Code")
    assert trust.get("guid") == str(w.trust.guid) and trust.get("isCodable") == "true"
    assert trust.find(f"{QDC}Description").text == "relying on each other"
    # Round trip: the .qdc imported again is a new version holding the same codebook, guids,
    # categories, descriptions and all.
    again = actions.framework_revise(
        by=None, programme=w.programme, codes=refi.parse_qdc(data), why="import"
    )
    assert again.version == 2
    assert _codes(refi.export_qdc(again)) == _codes(data)
    # Through the page, as an evaluator uploads it; a file that is not a codebook is refused.
    url = reverse("learning_framework_import", args=[w.programme.pk])
    upload = SimpleUploadedFile("book.qdc", data, content_type="application/xml")
    assert client_for(w.eve).post(url, {"file": upload}).status_code == 302
    assert w.programme.frameworks.count() == 3
    junk = SimpleUploadedFile("book.qdc", b"<not-xml", content_type="application/xml")
    refused = client_for(w.eve).post(url, {"file": junk})
    assert refused.status_code == 422 and "not well-formed" in refused.content.decode()
    with pytest.raises(refi.RefiError, match="namespace"):
        refi.parse_qdc(b"<CodeBook><Codes/></CodeBook>")
    with pytest.raises(refi.RefiError, match="document type"):
        refi.parse_qdc(
            b'<!DOCTYPE x [<!ENTITY a "b">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'
        )


def _codes(data: bytes) -> list[tuple[str | None, ...]]:
    root = ET.fromstring(data)
    return [
        (c.get("guid"), c.get("name"), c.get("isCodable"), c.findtext(f"{QDC}Description"))
        for c in root.iter(f"{QDC}Code")
    ]


@pytest.mark.usefixtures("jobs_run_at_once")
def test_the_project_exports_as_a_refi_qda_qdpx(learning: SimpleNamespace) -> None:
    w = learning
    h = code(w, w.eve, "The café meetings", w.comms)
    actions.summary_write(
        by=w.eve,
        programme=w.programme,
        case_kind="partnership",
        case_id=w.partnership.pk,
        theme=w.comms,
        text="Meeting in person helps.",
        highlights=[h],
    )
    zf = zipfile.ZipFile(
        io.BytesIO(exported(client_for(w.eve), reverse("learning_qdpx", args=[w.programme.pk])))
    )
    root = ET.fromstring(zf.read("project.qde"))
    assert root.tag == f"{QDE}Project"
    assert [c.tag.removeprefix(QDE) for c in root] == [
        "Users",
        "CodeBook",
        "Cases",
        "Sources",
        "Notes",
    ]
    assert root.find(f"{QDE}Users/{QDE}User").get("name") == "Eve Evaluator"
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{QDE}Code")}
    assert codes[str(w.comms.guid)] == "Communication"
    source = root.find(f"{QDE}Sources/{QDE}TextSource")
    text = source.findtext(f"{QDE}PlainTextContent")
    path = source.get("plainTextPath").removeprefix("internal://")
    assert zf.read(f"sources/{path}").decode() == text == w.interview.text
    selection = source.find(f"{QDE}PlainTextSelection")
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text[start:end] == "The café meetings"  # code points, past the emoji
    ref = selection.find(f"{QDE}Coding/{QDE}CodeRef")
    assert ref.get("targetGUID") == str(w.comms.guid)
    note = root.find(f"{QDE}Notes/{QDE}Note")
    assert note.findtext(f"{QDE}PlainTextContent") == "Meeting in person helps."
    assert selection.find(f"{QDE}NoteRef").get("targetGUID") == note.get("guid")
    case = root.find(f"{QDE}Cases/{QDE}Case[@name='{w.partnership.name}']")
    assert case.find(f"{QDE}SourceRef").get("targetGUID") == source.get("guid")


@pytest.mark.usefixtures("jobs_run_at_once")
def test_the_long_csv_defuses_formulas_and_the_workbook_reads_back(
    learning: SimpleNamespace,
) -> None:
    from openpyxl import load_workbook

    w = learning
    code(w, w.eve, "We trust each other", w.trust)
    w.second.name = '=HYPERLINK("http://evil.example")'
    w.second.save()
    client = client_for(w.otis)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("learning_csv", args=[w.programme.pk])).content.decode())
        )
    )
    assert rows[0][:6] == ["case_kind", "case_id", "case", "category", "theme", "evidence"]
    assert len(rows) == 1 + 2 * 3
    assert any(r[2].startswith("'=HYPERLINK") for r in rows[1:])
    trust = next(r for r in rows if r[2] == w.partnership.name and r[4] == "Trust")
    assert trust[5] == "1" and trust[10] == "mentioned"
    book = load_workbook(
        io.BytesIO(exported(client, reverse("learning_xlsx", args=[w.programme.pk])))
    )
    grid = list(book["Matrix"].values)
    assert grid[0] == ("Case", "Trust", "Communication", "Staff turnover and capacity")
    assert (
        '\'=HYPERLINK("http://evil.example")',
        "not mentioned",
        "not mentioned",
        "not mentioned",
    ) in grid


def test_who_sees_and_codes(learning: SimpleNamespace) -> None:
    """Evaluators code and read; a non-evaluator officer reads, may not code (403); a member
    of the partnership sees its profile, not the matrix; another partnership's member and
    an outsider get 404."""
    w = learning
    matrix = reverse("learning_matrix", args=[w.programme.pk])
    source = reverse("learning_source", args=[w.programme.pk, w.interview.pk])
    profile = reverse("learning_profile", args=[w.partnership.pk])
    post = {"passage": "We trust each other", "occurrence": 1, "theme": w.trust.pk}
    assert client_for(w.eve).post(source, post).status_code == 302
    assert client_for(w.otis).get(matrix).status_code == 200
    assert client_for(w.otis).post(source, post).status_code == 403
    for member in (w.will, w.lena):
        assert client_for(member).get(profile).status_code == 200
        assert client_for(member).get(matrix).status_code == 404
    assert client_for(w.eve).get(profile).status_code == 200
    # Evaluators find the learning from their home and the programme page (its learning column).
    assert "Learning you evaluate" in client_for(w.eve).get("/").content.decode()
    programme_page = client_for(w.eve).get(reverse("programme", args=[w.programme.pk]))
    assert (
        programme_page.status_code == 200 and "Learning column" in programme_page.content.decode()
    )
    assert (
        "Learning column"
        not in client_for(w.lena).get(reverse("programme", args=[w.programme.pk])).content.decode()
    )
    for outsider in (w.olive,):
        for url in (matrix, source, profile, reverse("learning_qdpx", args=[w.programme.pk])):
            assert client_for(outsider).get(url).status_code == 404
    # A member of another partnership of the same programme does not see this one's profile.
    assert (
        client_for(w.will).get(reverse("learning_profile", args=[w.second.pk])).status_code == 200
    )  # Will's org leads it
    assert (
        client_for(w.cora).get(reverse("learning_profile", args=[w.second.pk])).status_code == 404
    )
    # Only officers manage evaluators.
    evaluators = reverse("learning_evaluators", args=[w.programme.pk])
    assert client_for(w.eve).post(evaluators, {"email": w.cora.email}).status_code == 403
    assert client_for(w.otis).post(evaluators, {"email": w.cora.email}).status_code == 302
    assert client_for(w.cora).get(matrix).status_code == 200


@pytest.mark.parametrize(
    ("extra", "holds"),
    [
        ("Call her on 07700 900123.", "a phone number"),
        ("Email jo@example.org about it.", "an email address"),
        ("She lives near M14 5AB.", "a postcode"),
        ("Priya Shah was supported.", "the name of a person being supported"),
    ],
)
def test_the_highlight_form_warns_of_names_and_contact_details(
    learning: SimpleNamespace, extra: str, holds: str
) -> None:
    from joinedup.referrals.models import Person

    w = learning
    Person.objects.create(organisation=w.core_org, name="Priya Shah", invented=True)
    source = actions.document_upload(
        by=w.eve,
        programme=w.programme,
        title="Notes",
        text=f"Trust grew. {extra}",
        partnership=w.partnership,
    )
    url = reverse("learning_source", args=[w.programme.pk, source.pk])
    post = {"passage": f"Trust grew. {extra}", "occurrence": 1, "theme": w.trust.pk}
    warned = client_for(w.eve).post(url, post)
    assert warned.status_code == 422 and holds in warned.content.decode()
    assert not source.highlights.exists()
    assert client_for(w.eve).post(url, {**post, "code_anyway": "on"}).status_code == 302
    assert source.highlights.count() == 1


def test_minutes_and_only_anonymous_enough_health_text_are_sources(
    learning: SimpleNamespace,
) -> None:
    from joinedup.health.models import Answer, Reflection, Round
    from joinedup.learning.providers import health_free_text

    w = learning
    people = [w.lena, w.cora, w.will]
    round = Round.objects.create(
        partnership=w.partnership,
        closes_on=dt.date(2025, 1, 31),
        status="closed",
        closed_at=timezone.now(),
        opened_on=dt.date(2025, 1, 1),
    )
    for user in people[:2]:
        Answer.objects.create(
            round=round, user=user, organisation=w.lead_org, statement="s1", score=4
        )
        Reflection.objects.create(
            round=round,
            user=user,
            organisation=w.lead_org,
            working=f"{user.name} says meetings work",
        )
    assert list(health_free_text(w.programme)) == []  # two people: under the threshold
    Answer.objects.create(
        round=round, user=people[2], organisation=w.wider_org, statement="s1", score=2
    )
    [text] = health_free_text(w.programme)
    assert text.partnership_id == w.partnership.pk
    assert "Cora Core says meetings work" in text.text and "Riverside" not in text.title[:20]


def test_an_uploaded_transcript_is_a_case_of_its_organisation_and_hub(
    learning: SimpleNamespace,
) -> None:
    w = learning
    transcript = SimpleUploadedFile(
        "interview.txt", "Peer learning at the hub helped 👍.\r\n".encode(), "text/plain"
    )
    made = client_for(w.eve).post(
        reverse("learning_sources", args=[w.programme.pk]),
        {
            "title": "Interview 2",
            "case": w.partnership.pk,
            "organisation": w.core_org.pk,
            "file": transcript,
        },
    )
    assert made.status_code == 302
    source = w.programme.sources.get(title="Interview 2")
    assert source.text == "Peer learning at the hub helped 👍."
    code(w, w.eve, "helped 👍", w.comms, source)
    by_org = queries.matrix(w.programme, "organisation")
    assert by_org.cells[(w.core_org.pk, w.comms.guid)].count == 1
    by_hub = queries.matrix(w.programme, "hub")
    assert [c.name for c in by_hub.cases] == ["North"]
    assert by_hub.cells[(w.hub.pk, w.comms.guid)].count == 1
    not_ours = client_for(w.eve).post(
        reverse("learning_sources", args=[w.programme.pk]),
        {"title": "X", "organisation": w.outside_org.pk, "text": "Trust."},
    )
    assert not_ours.status_code == 422


def test_a_codebook_nested_beyond_reason_is_refused_not_a_crash() -> None:
    deep = '<Code name="c">' * 3000 + "</Code>" * 3000
    data = f'<CodeBook xmlns="{refi.CODEBOOK_NS}"><Codes>{deep}</Codes></CodeBook>'.encode()
    with pytest.raises(refi.RefiError, match="nested more than"):
        refi.parse_qdc(data)


def test_the_sources_list_is_sorted_newest_first_oldest_first_or_by_case(
    learning: SimpleNamespace,
) -> None:
    w = learning
    now = timezone.now()
    for title, days, case in (
        ("Notes from a walk", 1, {}),
        ("Interview with Riverside Mind", 10, {"organisation_id": w.core_org.pk}),
    ):
        actions.source_take(
            by=w.eve,
            programme=w.programme,
            text=SourceText(
                kind="document",
                key=title,
                title=title,
                text="Words.",
                written_at=now - dt.timedelta(days=days),
                **case,
            ),
        )
    client = client_for(w.eve)
    url = reverse("learning_sources", args=[w.programme.pk])

    def listed(query: str = "") -> list[tuple[str, str]]:
        response = client.get(url + query)
        assert response.status_code == 200
        return [(row.title, row.case) for row in response.context["rows"]]

    newest = [
        ("Notes from a walk", ""),
        ("Interview with the lead", w.partnership.name),
        ("Interview with Riverside Mind", "Riverside Mind"),
    ]
    assert listed() == listed("?sort=newest") == newest
    assert listed("?sort=oldest") == newest[::-1]
    assert listed("?sort=case") == [newest[1], newest[2], newest[0]]  # no case last
    body = client.get(url).content.decode()
    assert body.index("Notes from a walk") < body.index("Interview with Riverside Mind")
    refused = client.get(url + "?sort=sideways")
    assert refused.status_code == 422
    assert "Select a valid choice" in refused.content.decode()


def test_an_evaluator_removes_only_their_own_coding_and_is_asked_first(
    learning: SimpleNamespace,
) -> None:
    w = learning
    theirs = actions.highlight_create(by=w.ezra, source=w.interview, theme=w.trust, start=0, end=5)
    mine = actions.highlight_create(by=w.eve, source=w.interview, theme=w.trust, start=6, end=9)
    g = w.programme.pk
    page = client_for(w.eve).get(reverse("learning_source", args=[g, w.interview.pk]))
    body = page.content.decode()
    assert reverse("learning_highlight_delete", args=[g, mine.pk]) in body
    assert reverse("learning_highlight_delete", args=[g, theirs.pk]) not in body
    # Ezra's coding is his: refused, and still there.
    other = reverse("learning_highlight_delete", args=[g, theirs.pk])
    assert client_for(w.eve).get(other).status_code == 403
    assert client_for(w.eve).post(other).status_code == 403
    # Her own asks first, then goes.
    own = reverse("learning_highlight_delete", args=[g, mine.pk])
    asked = client_for(w.eve).get(own).content.decode()
    assert "Remove my coding" in asked and "This cannot be undone." in asked
    assert client_for(w.eve).post(own, {"confirmed": "yes"}).status_code == 302
    assert list(w.interview.highlights.all()) == [theirs]
