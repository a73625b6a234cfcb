import pytest

from joinedup.lib.postcodes import outward


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [("M14 5TQ", "M14"), (" m14  5tq ", "M14"), ("RV9", "RV9"), ("", ""), ("   ", "")],
)
def test_the_outward_part_of_a_postcode(postcode: str, expected: str) -> None:
    assert outward(postcode) == expected
