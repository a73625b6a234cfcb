"""The named test characters, and the partnership they meet in.

Lena, lead coordinator   manager at Riverside Citizens Advice, the lead partner
Stan, lead-org staff     staff at the lead, who may look but not manage
Cora, core worker        staff at Riverside Mind, a funded core partner
Will, wider contact      staff at Hillside Food Bank, a wider partner
Otis, programme officer  officer of the programme the partnership is in
Olive, outsider          manager at Elsewhere Trust, in no partnership with them
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from joinedup.accounts.actions import api_token_create
from joinedup.accounts.models import User
from joinedup.organisations.actions import affiliation_set_by_system
from joinedup.partnerships import actions
from joinedup.partnerships.models import Level, MemberRole, Organisation, Partnership, Sector
from joinedup.programmes import actions as programme_actions

START = dt.date(2024, 4, 1)

# A second alias on the test database, as a read replica would be (`DATABASE_REPLICA_URL`,
# joinedup/figures/replica.py). No router sends anything to it unless a test turns the router
# on; a test that does not list it among its databases cannot query it at all.
settings.DATABASES.setdefault(
    "replica", {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}
)


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path | None:
    """pytest-django's test database; on SQLite, also a copy of it taken as soon as the
    migrations have run, before any test writes (see `migrated_sqlite`). No copy when the
    migrations did not run, or when no test asked for the test database (the connection then
    names the everyday database, which is not to be copied)."""
    from django.db import connection

    if connection.vendor != "sqlite" or not django_db_use_migrations:
        return None
    if not connection.creation.is_in_memory_db(connection.settings_dict["NAME"]):  # type: ignore[attr-defined]
        return None
    path = tmp_path_factory.mktemp("migrated") / "joinedup.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    path.chmod(0o600)
    return path


@pytest.fixture(scope="session")
def migrated_sqlite(django_db_setup: Path | None) -> Path | None:
    """An SQLite database with every migration applied, as `joinedup migrate` leaves an empty
    data directory: a test that serves a database of its own starts from a copy of it rather
    than running the migrations again (half a minute each time). None on PostgreSQL."""
    return django_db_setup


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_uploads(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def jobs_run_at_once(settings: Any) -> None:
    """Jobs (emails among them) run as soon as they are enqueued, inside the write's
    transaction, instead of waiting in the queue for a worker: for tests about what a job
    does rather than about the queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _empty_local_cache() -> None:
    """Each test starts with the per-process cache empty. The shared cache is the database's,
    so what one test keeps in it (a closed round's scores under an id another test's database
    may reuse) goes with that test's transaction."""
    from django.core.cache import caches

    caches["local"].clear()


def make_user(
    email: str, name: str, organisation: Organisation | None = None, role: str = "staff"
) -> User:
    user = User.objects.create_user(email, "a-long-test-password", name=name)
    if organisation is not None:
        affiliation_set_by_system(user=user, organisation=organisation, role=role, why="tests")
    return user


def make_org(name: str, sector: str = Sector.VOLUNTARY, by: User | None = None) -> Organisation:
    """An organisation; `by` added it to Joined Up, and so may see it."""
    return actions.organisation_create(by=by, name=name, sector=sector)


def add_member(
    partnership: Partnership, organisation: Organisation, role: str = MemberRole.WIDER
) -> Any:
    return actions.membership_add(
        by=None,
        partnership=partnership,
        organisation=organisation,
        role=role,
        funded=role == MemberRole.CORE,
        levels=[Level.DELIVERY],
        joined_on=START,
    )


@pytest.fixture
def world(db: Any) -> SimpleNamespace:
    w = SimpleNamespace()
    w.funder = make_org("Crisis Fund", Sector.STATUTORY)
    w.programme = programme_actions.programme_create(
        by=None, name="Help in Crisis", funder=w.funder
    )
    w.hub = programme_actions.hub_create(
        by=None, programme=w.programme, name="North", region="North West"
    )
    w.lead_org = make_org("Riverside Citizens Advice")
    w.core_org = make_org("Riverside Mind")
    w.wider_org = make_org("Hillside Food Bank", Sector.FAITH)
    w.outside_org = make_org("Elsewhere Trust")
    w.partnership = actions.partnership_create(
        by=None,
        name="Riverside Crisis Partnership",
        shared_goal="No one in Riverside faces a crisis alone.",
        lead=w.lead_org,
        start_on=START,
        outcomes=[
            {
                "title": "People in crisis get help within a week",
                "measure": "Days from first contact to help",
                "target": "7 days or fewer for 9 in 10 people",
            }
        ],
        programme=w.programme,
        hub=w.hub,
        area="Riverside",
    )
    w.lead_membership = w.partnership.memberships.get(role=MemberRole.LEAD)
    w.core_membership = add_member(w.partnership, w.core_org, MemberRole.CORE)
    w.wider_membership = add_member(w.partnership, w.wider_org, MemberRole.WIDER)
    w.lena = make_user("lena@riverside-ca.example", "Lena Lead", w.lead_org, "manager")
    w.stan = make_user("stan@riverside-ca.example", "Stan Staff", w.lead_org, "staff")
    w.cora = make_user("cora@riverside-mind.example", "Cora Core", w.core_org)
    w.will = make_user("will@hillside.example", "Will Wider", w.wider_org)
    w.otis = make_user("otis@crisis-fund.example", "Otis Officer", w.funder)
    programme_actions.programme_add_officer(by=None, programme=w.programme, user=w.otis)
    w.olive = make_user("olive@elsewhere.example", "Olive Outsider", w.outside_org, "manager")
    # Olive's own partnership, so that she is a real user with things of her own to see.
    w.elsewhere = actions.partnership_create(
        by=None,
        name="Elsewhere Partnership",
        shared_goal="Elsewhere's own work.",
        lead=w.outside_org,
        start_on=START,
    )
    actions.membership_set_contacts(by=None, membership=w.core_membership, contacts=[w.cora])
    return w


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


class ApiClient:
    """A test client that sends a bearer token with every request."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, raw = api_token_create(user=user, name="tests")
            self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, body, content_type="application/json", headers=self.headers)

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(path, body, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, body, content_type="application/json", headers=self.headers)


def api_for(user: User | None) -> ApiClient:
    return ApiClient(user)
