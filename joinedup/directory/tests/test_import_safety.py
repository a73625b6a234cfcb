"""Imports are safe by construction: each crafted file is refused or reported, never guessed at,
and nothing of a refused file is written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from joinedup.directory.importer import ImportFailed, import_path
from joinedup.directory.models import Organization, Service

pytestmark = pytest.mark.django_db

ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
HEADER = "id,organization_id,name,description,status\n"


def _row(n: int, description: str = "Advice") -> str:
    return f"{n:08d}-1111-4111-8111-111111111111,{ORG},Service {n},{description},active\n"


def _package(services: bytes, tmp_path: Path, name: str = "package.zip") -> Path:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", f"id,name,description\n{ORG},Rise,Refuges\n")
        archive.writestr("services.csv", services)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def _refused(path: Path, **options: Any) -> str:
    with pytest.raises(ImportFailed) as refused:
        import_path(path, **options)
    assert not Organization.objects.exists() and not Service.objects.exists()
    return str(refused.value)


def test_a_zip_bomb_small_on_disk_is_refused_at_the_size_cap(tmp_path: Path, settings: Any) -> None:
    settings.JOINEDUP_IMPORT_MAX_UNPACKED_MB = 1
    settings.JOINEDUP_IMPORT_MAX_RATIO = 10_000
    bomb = _package((HEADER + "x" * 3_000_000 + "\n").encode(), tmp_path, "bomb.zip")
    assert bomb.stat().st_size < 20_000

    message = _refused(bomb)

    assert "bomb.zip unpacks to more than 1 MB (JOINEDUP_IMPORT_MAX_UNPACKED_MB)" in message


def test_a_zip_entry_compressed_beyond_the_ratio_is_refused(tmp_path: Path) -> None:
    dense = _package((HEADER + " " * 3_000_000 + "\n").encode(), tmp_path, "dense.zip")

    message = _refused(dense)

    assert "services.csv in dense.zip is compressed more than 100 to 1" in message


def test_a_bad_byte_is_named_by_file_row_and_column_and_a_declared_encoding_reads_it(
    tmp_path: Path,
) -> None:
    services = (HEADER + _row(1) + _row(2, "Debt \u2019n benefits")).encode("cp1252")
    path = _package(services, tmp_path)

    message = _refused(path)

    assert "services.csv is not UTF-8: row 3, column 4 (description) has the byte 0x92" in message

    report = import_path(path, encoding="cp1252")

    assert report.rejected == []
    assert Service.objects.get(name="Service 2").description == "Debt \u2019n benefits"


def test_utf8_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = _package(b"\xef\xbb\xbf" + (HEADER + _row(1, "Caf\u00e9")).encode(), tmp_path)

    assert import_path(path).rejected == []
    assert Service.objects.get().description == "Caf\u00e9"


@pytest.mark.parametrize(
    "cut", [_row(3)[:40], _row(3)[:-10].replace(",Advice,", ',"Advice and\nmore')]
)
def test_a_file_whose_last_row_is_cut_is_refused(tmp_path: Path, cut: str) -> None:
    path = _package((HEADER + _row(1) + _row(2) + cut).encode(), tmp_path)

    message = _refused(path)

    assert "services.csv ends in the middle of row 4: the file is cut short" in message


def test_a_row_whose_cell_count_changes_is_reported_by_file_and_row(tmp_path: Path) -> None:
    shifted = _row(2).replace("Advice", "Advice,with a comma")
    path = _package((HEADER + _row(1) + shifted + _row(3)).encode(), tmp_path)

    report = import_path(path)

    assert [(p.file, p.row) for p in report.rejected] == [("services.csv", "3")]
    assert "has 6 cells where the header has 5" in report.rejected[0].reason
    assert sorted(Service.objects.values_list("name", flat=True)) == ["Service 1", "Service 3"]
