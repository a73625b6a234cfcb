"""Words in sentences read as English does."""

from joinedup.demo.programme import PROFILE_WORDS
from joinedup.lib.words import a_or_an, listing


def test_the_article_follows_the_first_letter() -> None:
    assert a_or_an("address") == "an address"
    assert a_or_an("organization_identifier") == "an organization_identifier"
    assert a_or_an("service") == "a service"


def test_a_generated_partnership_says_what_it_is_in_plain_words() -> None:
    """Found on the programme officer's home: "a on paper partnership"."""
    assert PROFILE_WORDS["on paper"] == "a partnership on paper"
    assert all(a_or_an(words.split(" ", 1)[1]) == words for words in PROFILE_WORDS.values())


def test_a_list_reads_with_and() -> None:
    assert listing(["A", "B", "C"]) == "A, B and C"
