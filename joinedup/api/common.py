"""What every router of the API shares: input types, pagination, resolving ids in bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Field, Path, Schema
from pydantic import BeforeValidator, ConfigDict, StrictInt


class In(Schema):
    """A request body: unknown fields and loosely typed values (1 for true) are refused."""

    model_config = ConfigDict(extra="forbid")


MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# PostgreSQL cannot store NUL in text, so no string we accept may hold one.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Field(max_length=5000, pattern=NO_NUL)]


def _iso_date_only(value: Any) -> Any:
    # Without this pydantic would read a number as a Unix timestamp: 0 would be 1 January 1970.
    if not isinstance(value, str | dt.date):
        raise ValueError("Give a date as YYYY-MM-DD.")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date_only)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
ShortText = Annotated[str, Field(max_length=200, pattern=NO_NUL)]


class Versioned(In):
    """A change to a record two people may edit: the `version` it was based on, as read."""

    version: StrictInt | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The version of the record this change was based on, as last read. If "
        "someone saved since, nothing is saved and the answer is 409 naming the current "
        "version. Left out: the change is saved over whatever is there.",
    )


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=200, description="How many items, at most 200.")
    offset: int = Field(0, ge=0, le=1_000_000_000)


def paginate(qs: QuerySet[Any], page: PageParams) -> dict[str, Any]:
    return {
        "count": qs.count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": list(qs[page.offset : page.offset + page.limit]),
    }


def resolve(choices: QuerySet[Any], pk: int | None, field: str) -> Any:
    """The object `pk` names among `choices` — those the user may use here. One message for
    "does not exist" and "not yours", so that the answer does not tell which."""
    if pk is None:
        return None
    found = choices.filter(pk=pk).first()
    if found is None:
        name = choices.model._meta.verbose_name
        raise ValidationError({field: f"There is no {name} with id {pk} that you can use here."})
    return found
