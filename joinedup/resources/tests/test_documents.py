"""The partnership's library of policies and templates."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.resources import actions
from joinedup.resources.models import SharedDocument


def test_a_partner_uploads_a_policy_that_members_download(world: SimpleNamespace) -> None:
    upload = SimpleUploadedFile(
        "safeguarding.pdf", b"%PDF-1.4 policy", content_type="application/pdf"
    )
    response = client_for(world.cora).post(
        reverse("documents", args=[world.partnership.pk]),
        {
            "organisation": world.core_org.pk,
            "title": "Safeguarding policy",
            "kind": "policy",
            "version": "2024",
            "audience": "members",
            "file": upload,
        },
    )
    assert response.status_code == 302
    document = SharedDocument.objects.get()
    download = client_for(world.will).get(
        reverse("document_download", args=[world.partnership.pk, document.pk])
    )
    assert download.status_code == 200
    assert download.getvalue() == b"%PDF-1.4 policy"
    assert (
        client_for(world.olive)
        .get(reverse("document_download", args=[world.partnership.pk, document.pk]))
        .status_code
        == 404
    )


def test_a_document_for_core_partners_is_hidden_from_wider_ones(world: SimpleNamespace) -> None:
    document = actions.document_add(
        by=None,
        partnership=world.partnership,
        owner=world.lead_org,
        title="Funding bid template",
        link="https://example.org/bid",
        audience="core",
    )
    url = reverse("documents", args=[world.partnership.pk])
    assert "Funding bid template" in client_for(world.cora).get(url).content.decode()
    assert "Funding bid template" not in client_for(world.will).get(url).content.decode()
    download = reverse("document_download", args=[world.partnership.pk, document.pk])
    assert client_for(world.will).get(download).status_code == 404


def test_a_file_of_the_wrong_kind_or_nothing_at_all_is_refused(world: SimpleNamespace) -> None:
    url = reverse("documents", args=[world.partnership.pk])
    client = client_for(world.cora)
    script = SimpleUploadedFile("policy.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        url,
        {
            "organisation": world.core_org.pk,
            "title": "P",
            "kind": "policy",
            "version": "1",
            "audience": "members",
            "file": script,
        },
    )
    assert response.status_code == 422 and "file" in response.context["form"].errors
    response = client.post(
        url,
        {
            "organisation": world.core_org.pk,
            "title": "P",
            "kind": "policy",
            "version": "1",
            "audience": "members",
        },
    )
    assert response.status_code == 422 and "file" in response.context["form"].errors
    assert not SharedDocument.objects.exists()


def test_a_new_version_replaces_the_old_one_in_the_list(world: SimpleNamespace) -> None:
    first = actions.document_add(
        by=None,
        partnership=world.partnership,
        owner=world.lead_org,
        title="Data-sharing template",
        link="https://example.org/v1",
    )
    actions.document_add(
        by=None,
        partnership=world.partnership,
        owner=world.lead_org,
        title="Data-sharing template",
        link="https://example.org/v2",
        version="2",
        replaces=first,
    )
    body = (
        client_for(world.will)
        .get(reverse("documents", args=[world.partnership.pk]))
        .content.decode()
    )
    assert "https://example.org/v2" in body and "https://example.org/v1" not in body
