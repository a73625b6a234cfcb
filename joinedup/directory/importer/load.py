"""Checking each row whole, then writing the rows that stand, table by table."""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import validate_email
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Q
from django.utils import timezone

from joinedup.directory import hsds
from joinedup.directory.actions import reindex_services
from joinedup.directory.importer.common import (
    BATCH,
    EXTENSIONS,
    MODELS,
    ONE_OF,
    REFERENCES,
    REQUIRED_REFERENCES,
    SELF_REFERENCES,
    Problem,
    Progress,
    Report,
    Row,
    hsds_id,
)
from joinedup.directory.models import (
    Contact,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from joinedup.lib.weblinks import as_web_address
from joinedup.lib.words import a_or_an

KIND = {models.DateTimeField: "date and time", models.DateField: "date", models.TimeField: "time"}
DEFAULT = object()  # leave the field to its default (or as it is, on a record already held)


class Rejected(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


TIME = re.compile(
    r"^\s*(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap]\.?m\.?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def _time(text: str) -> tuple[dt.time, bool]:
    """A time of day and whether it had to be read with care ("9:00am" is repaired)."""
    match = TIME.match(text)
    if not match:
        raise ValueError
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    meridiem = (match[4] or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    value = dt.time(hour, minute, second)
    plain = bool(re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", text.strip()))
    return value, not plain


def _date(text: str) -> tuple[dt.date, bool]:
    try:
        return dt.date.fromisoformat(text.strip()[:10]), False
    except ValueError:
        for fmt in ("%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d"):
            try:
                return dt.datetime.strptime(text.strip(), fmt).date(), True
            except ValueError:
                continue
    raise ValueError


def _datetime(text: str) -> tuple[dt.datetime, bool]:
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC), True
    return value, False


def _range(model_field: models.Field) -> tuple[int | None, int | None]:
    """The values an integer field can hold, the same on every database (the ranges of the
    smallest, PostgreSQL's), so a file that imports on one imports on the other."""
    if isinstance(model_field, models.IntegerField):
        low, high = BaseDatabaseOperations.integer_field_ranges[model_field.get_internal_type()]
        return low, high
    return None, None


def _same(held: Any, given: Any) -> bool:
    """Whether a held value is the one given. Times are compared to the millisecond, as the
    export writes them, so that the directory's own export imported again changes nothing."""
    if isinstance(held, dt.datetime) and isinstance(given, dt.datetime):
        return held.replace(microsecond=held.microsecond // 1000 * 1000) == given.replace(
            microsecond=given.microsecond // 1000 * 1000
        )
    return bool(held == given)


def _ages_out_of_order(
    table: str, values: dict[str, Any], obj: models.Model | None
) -> tuple[str, str] | None:
    """A row that would leave a held service's youngest age above its oldest (each row is
    checked alone, before it meets the record it updates)."""
    if table != "service" or obj is None:
        return None
    low = values.get("minimum_age", getattr(obj, "minimum_age", None))
    high = values.get("maximum_age", getattr(obj, "maximum_age", None))
    if low is not None and high is not None and low > high:
        return "maximum_age", f"{high} is below the minimum age, {low}"
    return None


def _kept_by_members() -> dict[str, set[uuid.UUID]]:
    """The records that hang from an organisation that is a member of Joined Up."""
    orgs = Organization.objects.filter(organisation__isnull=False)
    services = Service.objects.filter(organization__in=orgs)
    locations = Location.objects.filter(
        Q(organization__in=orgs) | Q(service_at_locations__service__in=services)
    )
    sals = ServiceAtLocation.objects.filter(Q(service__in=services) | Q(location__in=locations))
    anchored = (
        Q(organization__in=orgs)
        | Q(service__in=services)
        | Q(location__in=locations)
        | Q(service_at_location__in=sals)
    )
    contacts = Contact.objects.filter(anchored)
    phones = Phone.objects.filter(anchored | Q(contact__in=contacts))
    return {
        table: set(qs.values_list("pk", flat=True))
        for table, qs in {
            "organization": orgs,
            "service": services,
            "location": locations,
            "service_at_location": sals,
            "contact": contacts,
            "phone": phones,
        }.items()
    }


def _references(table: str, values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(HSDS name, model attribute, table pointed at) of each reference a row may hold."""
    found = []
    for name, target in REFERENCES.items():
        attname = hsds.MODEL_NAME.get((table, name), name)
        if attname in values:
            found.append((name, attname, target))
    if table == "organization" and "parent_organization_id" in values:
        found.append(("parent_organization_id", "parent_organization_id", "organization"))
    if table == "attribute":
        found.append(("link_id", "link_id", str(values.get("link_entity") or "")))
    if table == "metadata":
        found.append(("resource_id", "resource_id", str(values.get("resource_type") or "")))
    return found


TAXONOMY_TABLES = ("taxonomy", "taxonomy_term")
TAXONOMY_NOT_ADDED = (
    "only a site administrator adds to the shared taxonomy everyone searches by; not added"
)
TAXONOMY_LINKED = (
    "only a site administrator adds to the shared taxonomy everyone searches by; "
    "linked to the term '{name}' already held instead"
)
TAXONOMY_NOT_CHANGED = (
    "only a site administrator changes the shared taxonomy everyone searches by; not changed"
)


class Loader:
    def __init__(
        self,
        *,
        namespace: str,
        country: str,
        progress: Progress,
        report: Report,
        taxonomy_changes: bool = True,
    ) -> None:
        self.namespace = namespace
        self.country = country
        self.progress = progress
        self.report = report
        self.taxonomy_changes = taxonomy_changes
        # A term an import could not add -> the held term of the same code or name, which the
        # import's records are linked to instead.
        self.same_term: dict[uuid.UUID, uuid.UUID] = {}
        self.accepted: dict[str, set[uuid.UUID]] = {table: set() for table in MODELS}
        # Keys looked for and not held: asked of the database once, however often referred to.
        self.absent: dict[str, set[uuid.UUID]] = {table: set() for table in MODELS}
        self.touched_services: set[uuid.UUID] = set()
        self.kept = _kept_by_members()
        self.rows: dict[uuid.UUID, Row] = {}

    def problem(self, row: Row, field: str, reason: str, outcome: str) -> None:
        self.report.problems.append(Problem(row.file, row.where, field, reason, outcome))

    def load(self, rows: list[Row]) -> None:
        by_table: dict[str, list[Row]] = {}
        eligibility: list[Row] = []
        for row in rows:
            if row.table == "eligibility":
                eligibility.append(row)
            elif row.table == "unknown":
                self.problem(row, "", "not an HSDS record Joined Up recognises", "rejected")
            else:
                by_table.setdefault(row.table, []).append(row)
        for table, model in MODELS.items():
            self._load_table(table, model, by_table.get(table, []))
            if table == "service":
                self._load_eligibility(eligibility)
        reindex_services(self.touched_services)

    def _load_table(self, table: str, model: type[models.Model], rows: list[Row]) -> None:
        checked: dict[uuid.UUID, dict[str, Any]] = {}
        for i, row in enumerate(rows, start=1):
            try:
                values = self._check(table, model, row)
            except Rejected as rejected:
                self.problem(row, rejected.field, rejected.reason, "rejected")
            else:
                key = values["id"]
                self.rows.setdefault(key, row)
                if key in checked and checked[key] != values:
                    earlier = checked[key]
                    values = {**earlier, **{k: v for k, v in values.items() if v not in ("", None)}}
                checked[key] = values
                self.accepted[table].add(key)
            if i % BATCH == 0:
                self.progress(f"checking {table}", i, len(rows))
        for values in checked.values():
            self._resolve_parent(table, values)
        self._write(table, model, list(checked.values()))
        if table == "service":
            self.touched_services |= set(checked)

    def _resolve_parent(self, table: str, values: dict[str, Any]) -> None:
        """A reference within the table (a term's parent), once all its rows are checked."""
        if "_parent" not in values:
            return
        attname, text, row = values.pop("_parent")
        key = hsds_id(table, text, self.namespace)
        if self._exists(table, key):
            values[attname] = key
        else:
            values[attname] = None
            reason = f"{table} '{text}' is not in the directory or this import; link dropped"
            self.problem(row, attname, reason, "repaired")

    def _write(self, table: str, model: type[models.Model], records: list[dict[str, Any]]) -> None:
        created = updated = unchanged = 0
        for start in range(0, len(records), BATCH):
            chunk = records[start : start + BATCH]
            existing = model._default_manager.in_bulk([r["id"] for r in chunk])
            new, changed, fields = [], [], set()
            for values in chunk:
                obj = existing.get(values["id"])
                diff = [
                    k for k, v in values.items() if k != "id" and not _same(getattr(obj, k, v), v)
                ]
                if obj is not None and not diff:
                    unchanged += 1
                    continue
                refused = (
                    self._kept(table, values, obj)
                    or self._taxonomy_refused(table, values, obj)
                    or _ages_out_of_order(table, values, obj)
                )
                if refused is not None:
                    field, reason = refused
                    self.problem(self.rows[values["id"]], field, reason, "rejected")
                    if obj is None:
                        self.accepted[table].discard(values["id"])
                    continue
                if obj is None:
                    new.append(model(**values))
                    continue
                for key in diff:
                    setattr(obj, key, values[key])
                fields.update(diff)
                changed.append(obj)
            model._default_manager.bulk_create(new, batch_size=BATCH)
            if changed:
                model._default_manager.bulk_update(changed, sorted(fields), batch_size=BATCH)
            created += len(new)
            updated += len(changed)
            self.progress(f"writing {table}", min(start + BATCH, len(records)), len(records))
        self.report.created[table] = created
        self.report.updated[table] = updated
        self.report.unchanged[table] = unchanged

    def _kept(
        self, table: str, values: dict[str, Any], obj: models.Model | None
    ) -> tuple[str, str] | None:
        """Why a new or changed row may not be written, if it would change, or hang from, a
        record a member organisation keeps in Joined Up: those are changed by its staff, and
        the HSDS API publishes the ids of the public ones."""
        if obj is not None and values["id"] in self.kept.get(table, ()):
            return "id", f"this {table} is kept in Joined Up by its organisation; not changed"
        for name, attname, target in _references(table, values):
            held = getattr(obj, attname, None) if obj is not None else None
            for key in (values.get(attname), held):
                if key is not None and key in self.kept.get(target, ()):
                    return name, (
                        f"{target} '{key}' is kept in Joined Up by its organisation; "
                        "an import does not add to it"
                    )
        return None

    def _taxonomy_refused(
        self, table: str, values: dict[str, Any], obj: models.Model | None
    ) -> tuple[str, str] | None:
        """Why a new or changed taxonomy or term may not be written: the taxonomy is shared by
        every partnership, so only a site administrator's import changes it. A term that is
        not added is matched to a held one of the same code or name, if there is one."""
        if self.taxonomy_changes or table not in TAXONOMY_TABLES:
            return None
        if obj is not None:
            return "id", TAXONOMY_NOT_CHANGED
        if table == "taxonomy_term":
            held = self._held_term(values)
            if held is not None:
                self.same_term[values["id"]] = held.pk
                return "id", TAXONOMY_LINKED.format(name=held.name)
        return "id", TAXONOMY_NOT_ADDED

    def _held_term(self, values: dict[str, Any]) -> TaxonomyTerm | None:
        terms = TaxonomyTerm.objects.all()
        if values.get("taxonomy_name"):
            terms = terms.filter(taxonomy_name=values["taxonomy_name"])
        code, name = values.get("code") or "", values.get("name") or ""
        return (code and terms.filter(code=code).order_by("pk").first()) or (
            terms.filter(name__iexact=name).order_by("pk").first() if name else None
        )

    def _exists(self, table: str, key: uuid.UUID) -> bool:
        """Whether `table` holds `key` or this import has accepted it. A key found absent stays
        absent unless a row of this import is accepted under it (`accepted` is asked first);
        tables are loaded referred-to first, so no later write adds it otherwise."""
        if key in self.accepted[table]:
            return True
        if key in self.absent[table]:
            return False
        found = MODELS[table]._default_manager.filter(pk=key).exists()
        (self.accepted if found else self.absent)[table].add(key)
        return found

    def _check(self, table: str, model: type[models.Model], row: Row) -> dict[str, Any]:
        """The row as model values, every field checked; raises `Rejected`."""
        raw = row.values
        derived = bool(raw.get("_derived_id"))
        raw_id = raw.get("id")
        if raw_id in (None, ""):
            raise Rejected("id", "no id")
        values: dict[str, Any] = {"id": hsds_id(table, raw_id, self.namespace)}
        if derived:
            self.problem(row, "id", "no id; one was derived from the row's content", "repaired")
        allowed = [*hsds.FIELDS[table], *EXTENSIONS.get(table, ())]
        for name in allowed:
            if name == "id" or name not in raw:
                continue
            attname = hsds.MODEL_NAME.get((table, name), name)
            value = raw[name]
            if (table, name) in SELF_REFERENCES:
                text = "" if value is None else str(value).strip()
                values[attname] = None
                if text:
                    values["_parent"] = (attname, text, row)
                continue
            if name in REFERENCES or name == "link_id" or name == "resource_id":
                values[attname] = self._reference(table, name, value, raw, row)
                continue
            checked = self._value(model, attname, name, value, row)
            if checked is not DEFAULT:
                values[attname] = checked
        self._check_required(table, model, values, row)
        return values

    def _reference(
        self, table: str, name: str, value: Any, raw: dict[str, Any], row: Row
    ) -> uuid.UUID | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if name == "link_id":
            target = str(raw.get("link_entity") or "").strip()
            key = hsds_id(target, text, self.namespace)
            if target in MODELS and not self._exists(target, key):
                raise Rejected(name, f"{target} '{text}' is not in the directory or this import")
            return key
        if name == "resource_id":
            return hsds_id(str(raw.get("resource_type") or ""), text, self.namespace)
        target = REFERENCES[name]
        if table == "taxonomy_term" and name == "taxonomy_id":
            target = "taxonomy"
        if table == "taxonomy_term" and name == "parent_id":
            target = "taxonomy_term"
        key = hsds_id(target, text, self.namespace)
        if target == "taxonomy_term":
            key = self.same_term.get(key, key)
        if self._exists(target, key):
            return key
        if (table, name) in REQUIRED_REFERENCES:
            raise Rejected(name, f"{target} '{text}' is not in the directory or this import")
        self.problem(
            row,
            name,
            f"{target} '{text}' is not in the directory or this import; link dropped",
            "repaired",
        )
        return None

    def _value(
        self, model: type[models.Model], attname: str, name: str, value: Any, row: Row
    ) -> Any:
        try:
            model_field = model._meta.get_field(attname)
        except FieldDoesNotExist:
            return value
        assert isinstance(model_field, models.Field)
        if value is None:
            return None if model_field.null else ""
        if isinstance(model_field, models.FloatField | models.IntegerField):
            if isinstance(value, str) and not value.strip():
                return None
            try:
                number = float(value)
                # NaN and infinity are no count and no place, and NaN never equals itself, so
                # it would count as a change on every import.
                if not math.isfinite(number):
                    raise ValueError
                if isinstance(model_field, models.IntegerField):
                    if number != int(number):
                        raise ValueError
                    number = int(number)
            except (TypeError, ValueError):
                self.problem(row, name, f"'{value}' is not a number; left empty", "repaired")
                return None
            low, high = _range(model_field)
            if (low is not None and number < low) or (high is not None and number > high):
                self.problem(row, name, f"'{value}' is out of range; left empty", "repaired")
                return None
            return number
        if isinstance(model_field, models.DateTimeField | models.DateField | models.TimeField):
            text = str(value).strip()
            if not text:
                return None if model_field.null else DEFAULT
            reader = (
                _datetime
                if isinstance(model_field, models.DateTimeField)
                else _time
                if isinstance(model_field, models.TimeField)
                else _date
            )
            try:
                parsed, repaired = reader(text)
            except ValueError:
                if not model_field.null:
                    raise Rejected(name, f"'{text}' is not a date") from None
                self.problem(
                    row,
                    name,
                    f"'{text}' cannot be read as a {KIND[type(model_field)]}; left empty",
                    "repaired",
                )
                return None
            if repaired:
                self.problem(row, name, f"'{text}' read as '{hsds.plain(parsed)}'", "repaired")
            return parsed
        text = str(value)
        if "\x00" in text:
            # PostgreSQL cannot store it in text, and it is never meant.
            text = text.replace("\x00", "")
            self.problem(row, name, "a NUL character taken out", "repaired")
        stripped = text.strip()
        if stripped != text and stripped:
            # Stray spaces are the commonest defect; trimming them needs no report.
            text = stripped
        elif not stripped:
            text = ""
        if model_field.choices and text:
            allowed = {str(c[0]) for c in model_field.choices}
            if text.lower() in allowed and text not in allowed:
                text = text.lower()
            if text not in allowed:
                raise Rejected(name, f"'{text}' is not one of {', '.join(sorted(allowed))}")
        if (row.table, name) in hsds.WEB_ADDRESSES and text:
            address = as_web_address(text)
            if address is None:
                self.problem(
                    row,
                    name,
                    f"'{text}' is not a web address (https:// or http://); left empty",
                    "repaired",
                )
                return ""
            if address != text:
                self.problem(row, name, f"'{text}' read as '{address}'", "repaired")
            text = address
        if name in ("email", "assurer_email") and text:
            try:
                validate_email(text)
            except Exception:
                self.problem(row, name, f"'{text}' is not an email address; left empty", "repaired")
                return ""
        max_length = getattr(model_field, "max_length", None)
        if max_length and len(text) > max_length:
            self.problem(row, name, f"longer than {max_length} characters; cut short", "repaired")
            text = text[:max_length]
        return text

    def _check_required(
        self, table: str, model: type[models.Model], values: dict[str, Any], row: Row
    ) -> None:
        if table == "service" and not values.get("status"):
            values["status"] = "active"
            self.problem(row, "status", "no status; set to active", "repaired")
        if table == "service":
            low, high = values.get("minimum_age"), values.get("maximum_age")
            if low is not None and high is not None and low > high:
                raise Rejected("maximum_age", f"{high} is below the minimum age, {low}")
        if table == "location" and not values.get("location_type"):
            values["location_type"] = "physical"
        if table == "address":
            if not values.get("country"):
                values["country"] = self.country
                self.problem(
                    row,
                    "country",
                    f"no country; set to {self.country}, the import's country",
                    "repaired",
                )
            elif len(values["country"]) != 2:
                raise Rejected("country", f"'{values['country']}' is not a two-letter country code")
            if not values.get("address_type"):
                values["address_type"] = "physical"
        if table == "taxonomy" and not values.get("description"):
            values["description"] = values.get("name", "")
        if table == "taxonomy_term" and not values.get("description"):
            values["description"] = values.get("name", "")
        if table == "attribute" and not values.get("link_entity"):
            raise Rejected("link_entity", "no link_entity")
        for required_table, name in REQUIRED_REFERENCES:
            attname = hsds.MODEL_NAME.get((table, name), name)
            if required_table == table and values.get(attname) is None:
                raise Rejected(name, f"no {name}: {a_or_an(table)} cannot stand without one")
        for name, refs in ONE_OF.items():
            if table == name and not any(values.get(r) for r in refs):
                given = [r for r in refs if str(row.values.get(r) or "").strip()]
                raise Rejected(
                    given[0] if given else refs[0],
                    f"belongs to nothing: none of {', '.join(refs)} is given or found",
                )
        for model_field in model._meta.concrete_fields:
            if model_field.primary_key or model_field.null or model_field.blank:
                continue
            if model_field.has_default() or model_field.attname.endswith("_id"):
                continue
            if values.get(model_field.attname) in (None, ""):
                raise Rejected(model_field.name, f"{model_field.name} is required")

    def _load_eligibility(self, rows: list[Row]) -> None:
        """HSDS 1.x eligibility rows become their service's eligibility description."""
        texts: dict[uuid.UUID, list[str]] = {}
        for row in rows:
            raw = str(row.values.get("service_id") or "").strip()
            text = str(row.values.get("eligibility") or "").strip()
            if not raw:
                self.problem(row, "service_id", "eligibility for no service", "rejected")
                continue
            key = hsds_id("service", raw, self.namespace)
            if key in self.kept["service"]:
                self.problem(
                    row,
                    "service_id",
                    "this service is kept in Joined Up by its organisation; not changed",
                    "rejected",
                )
                continue
            if not self._exists("service", key):
                self.problem(
                    row,
                    "service_id",
                    f"service '{raw}' is not in the directory or this import",
                    "rejected",
                )
                continue
            if text:
                texts.setdefault(key, []).append(text)
        changed = []
        for service in Service.objects.filter(pk__in=list(texts)):
            text = "\n\n".join(texts[service.pk])
            if service.eligibility_description != text:
                service.eligibility_description = text
                changed.append(service)
        Service.objects.bulk_update(changed, ["eligibility_description"], batch_size=BATCH)
        self.report.updated["service"] = self.report.updated.get("service", 0) + len(changed)
