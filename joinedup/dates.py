"""One rule for dates: each date a person gives has a range that fits what it means.

A booking is for the next two years, an organisation joined on a day that has come, a
consent is asked again within three years. Each rule is a `DateRule` below, and every edge
uses the same one: a form field (`DateRule.field`, whose date picker also shows the range),
an API schema (`DateRule.api`, a 422 naming the field) and, where the rule is part of what
the record means, the action (`DateRule.check`, a `ValidationError` on the field). The
message names what the date is and the days it may fall between, so that a refusal says
what to give instead. The ranges are relative to today; the earliest dates anyone records
are from 1900, and nothing is planned further ahead than twenty years, so no date near the
calendar's end (31/12/9999) reaches arithmetic that would overflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from pydantic import AfterValidator

FIRST_DAY = dt.date(1900, 1, 1)

Bound = Callable[[dt.date], dt.date]


def years(n: int) -> Bound:
    """Today moved by `n` years (29 February becomes 28 February in other years)."""

    def bound(today: dt.date) -> dt.date:
        try:
            return today.replace(year=today.year + n)
        except ValueError:
            return today.replace(year=today.year + n, day=28)

    return bound


def days(n: int) -> Bound:
    return lambda today: today + dt.timedelta(days=n)


def fixed(day: dt.date) -> Bound:
    return lambda today: day


TODAY = days(0)


def _show(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class DateRule:
    """The days a date of one meaning may fall on: from `earliest(today)` to `latest(today)`.

    `what` names the date in a sentence ("A booking"), `why` says why the range is what it
    is; both go into the message a refusal shows."""

    what: str
    earliest: Bound
    latest: Bound
    why: str = ""

    def bounds(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        today = today or timezone.localdate()
        return self.earliest(today), self.latest(today)

    def problem(self, day: dt.date, today: dt.date | None = None) -> str | None:
        """None if `day` is in range, else the message that says which days are."""
        low, high = self.bounds(today)
        if low <= day <= high:
            return None
        if low == high:
            span = f"must be {_show(low)}"
        else:
            span = f"must fall between {_show(low)} and {_show(high)}"
        return f"{self.what} {span}{f': {self.why}' if self.why else ''}."

    def check(self, day: dt.date | None, *, field: str, today: dt.date | None = None) -> None:
        """Refuse `day` with a `ValidationError` on `field` if it is out of range."""
        if day is not None and (message := self.problem(day, today)):
            raise ValidationError({field: message})

    def validate(self, value: dt.date | dt.datetime) -> None:
        """A form field's validator, for a date or a date and time."""
        if message := self.problem(_day_of(value)):
            raise forms.ValidationError(message, code="date_range")

    def field(self, **kwargs: Any) -> forms.DateField:
        """A form field for a date of this meaning: the picker offers only the range."""
        kwargs.setdefault("widget", DateInput(rule=self))
        return forms.DateField(validators=[self.validate], **kwargs)

    def _pydantic(self, value: dt.date | dt.datetime) -> Any:
        if message := self.problem(_day_of(value)):
            raise ValueError(message)
        return value

    @property
    def api(self) -> AfterValidator:
        """For an API schema: `Annotated[Date, RULE.api]` refuses an out-of-range day with a
        422 naming the field. On a date and time, the day is the one in the site's zone."""
        return AfterValidator(self._pydantic)


def _day_of(value: dt.date | dt.datetime) -> dt.date:
    """The day of a date, or of a moment in the site's zone."""
    if not isinstance(value, dt.datetime):
        return value
    try:
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    except OverflowError:  # a moment at the calendar's very edge: out of range anyway
        return value.date()


class DateInput(forms.DateInput):
    """A date picker limited to its rule's range, worked out when the page is drawn."""

    input_type = "date"

    def __init__(self, *, rule: DateRule, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
        self.rule = rule

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        low, high = self.rule.bounds()
        attrs = {"min": low.isoformat(), "max": high.isoformat(), **(attrs or {})}
        return super().get_context(name, value, attrs)


# --- the rules ---------------------------------------------------------------------------
# Things that have happened: not in the future.
JOINED = DateRule(
    "The day it joined", fixed(FIRST_DAY), TODAY, "record a joining once it has happened"
)
LEFT = DateRule("The day it left", fixed(FIRST_DAY), TODAY, "record a leaving once it has happened")
BORN = DateRule("A date of birth", fixed(FIRST_DAY), TODAY)
GIVEN = DateRule("The day it was given", years(-10), TODAY, "record what has been given")
TIME_SPENT = DateRule("The day the time was spent", years(-2), TODAY, "log time already spent")
SIGNPOSTED = DateRule("The day of the signposting", years(-2), TODAY)
REVIEWED = DateRule("The day of the review", years(-10), TODAY)
STARTED = DateRule("A start", fixed(FIRST_DAY), years(2))
# Things planned: from today, not further ahead than anyone plans.
BOOKING = DateRule(
    "A booking", TODAY, years(2), "rooms and equipment are booked up to two years ahead"
)
MEETING = DateRule(
    "A meeting",
    years(-10),
    years(5),
    "meetings are planned up to five years ahead and recorded up to ten years back",
)
ACTION_DUE = DateRule("An action's due date", years(-1), years(5))
ROUND_CLOSES = DateRule("A round's closing day", TODAY, years(1))
PROPOSAL_CLOSES = DateRule("A proposal's closing day", TODAY, years(1))
CONSENT_EXPIRES = DateRule(
    "A consent's end", TODAY, days(3 * 366 - 1), "ask again within three years"
)
PLANNED_END = DateRule("An end", fixed(FIRST_DAY), years(20))
# A period a report covers, and a moment a list is asked for changes since.
PERIOD = DateRule("A report's day", fixed(FIRST_DAY), years(10))
CHANGED_SINCE = DateRule("A “modified after” time", fixed(FIRST_DAY), years(10))
