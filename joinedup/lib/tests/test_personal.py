"""Phone numbers, email addresses and dates found in a referral's free text."""

from __future__ import annotations

import pytest

from joinedup.lib.personal import personal_details


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",
        "07700900123",
        "020 7946 0000",
        "0161-496-0000",
        "01632 960001",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)20 7946 0000",
        "0044 20 7946 0000",
        "(020) 7946 0000",
    ],
)
def test_uk_phone_numbers_are_found(text: str) -> None:
    assert [f.kind for f in personal_details(f"Ring her on {text} after 6.")] == ["phone"]


@pytest.mark.parametrize(
    "text",
    ["3/4/1990", "03-04-90", "3.4.1990", "1990-04-03", "3 April 1990", "3rd of Apr 1990",
     "April 3, 1990", "12 March", "sept 9th"],
)  # fmt: skip
def test_dates_are_found(text: str) -> None:
    assert [f.kind for f in personal_details(f"Born {text}, she says.")] == ["date"]


def test_emails_are_found() -> None:
    assert personal_details("Write to pat.smith+help@mail.example.co.uk please") == [
        ("email", "pat.smith+help@mail.example.co.uk")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Pat needs help with debt of £12,000 and two children aged 3 and 5.",
        "She may come in on Monday; 10 sessions, room 2024, case 12345.",
        "Her benefits stopped in 2023 after 3 months.",
    ],
)
def test_plain_words_and_numbers_are_not(text: str) -> None:
    assert personal_details(text) == []


def test_everything_is_found_in_order() -> None:
    found = personal_details("Call 07700 900123 or pat@example.org before 3 May 2026.")
    assert [f.kind for f in found] == ["phone", "email", "date"]
