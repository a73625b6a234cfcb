"""The learning API: the framework, sources, codings and the matrix under the pages' rules."""

from __future__ import annotations

from types import SimpleNamespace

from joinedup.conftest import api_for

API = "/api/v1/programmes"


def test_an_evaluator_codes_through_the_api_and_reads_the_matrix(
    learning: SimpleNamespace,
) -> None:
    w = learning
    eve, otis = api_for(w.eve), api_for(w.otis)
    pk = w.programme.pk
    framework = eve.get(f"{API}/{pk}/framework").json()
    assert [t["name"] for t in framework["themes"]] == [
        "Trust",
        "Communication",
        "Staff turnover and capacity",
    ]
    [source] = eve.get(f"{API}/{pk}/sources").json()
    start = source["text"].index("The café")
    body = {"source_id": source["id"], "theme_id": w.comms.pk, "start": start, "end": start + 8}
    assert otis.post(f"{API}/{pk}/codings", body).status_code == 403  # officers read only
    made = eve.post(f"{API}/{pk}/codings", body)
    assert made.status_code == 201 and made.json()["passage"] == "The café"
    bad = eve.post(f"{API}/{pk}/codings", {**body, "end": source["length"] + 1})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end"
    cells = otis.get(f"{API}/{pk}/matrix").json()["cells"]
    mine = {(c["case_id"], c["theme_id"]): c for c in cells}
    assert mine[(w.partnership.pk, w.comms.pk)]["evidence"] == 1
    assert mine[(w.partnership.pk, w.trust.pk)]["mentioned"] is False
    assert api_for(w.olive).get(f"{API}/{pk}/matrix").status_code == 404
    assert api_for(w.will).get(f"{API}/{pk}/codings").status_code == 404
    coding = made.json()["id"]
    assert eve.post(f"{API}/{pk}/codings/{coding}/remove", {}).status_code == 204
    assert eve.get(f"{API}/{pk}/codings").json() == []
    again = otis.post(
        f"{API}/{pk}/framework",
        {"categories": [{"name": "Together", "themes": [{"name": "Trust"}, {"name": "Trust"}]}]},
    )
    assert again.status_code == 422
    v2 = otis.post(f"{API}/{pk}/framework", {"themes": [{"name": "Trust", "description": "x"}]})
    assert v2.status_code == 201 and v2.json()["version"] == 2
    assert v2.json()["themes"][0]["guid"] == str(w.trust.guid)
