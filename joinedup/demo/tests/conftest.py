"""The demo, loaded once for the demo's tests on each test worker.

Loading the whole demo (the seed partnerships, both programmes' generated partnerships and the
coded learning) takes half a minute; a test that loaded it for itself would pay that again and
again. `demo` loads it once, as `joinedup demo_load` does, inside a transaction that is rolled
back after the last test of this package; each test runs inside its own savepoint within it
(pytest-django's `db`, as Django's `setUpTestData`), so what one test writes is undone before
the next and no test sees another's changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import override_settings

from joinedup.demo import learning as demo_learning
from joinedup.demo import loader
from joinedup.demo import programme as demo_programme


@dataclass
class Demo:
    sign_ins: dict[str, loader.SignIn]  # by character
    generated: int  # partnerships the programme demo made
    steps: list[tuple[int, int]] = field(default_factory=list)  # its progress bar's steps


@pytest.fixture(scope="package")
def demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    quick = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
    )
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with quick:
                sign_ins = {s.character: s for s in loader.load()}
                steps: list[tuple[int, int]] = []
                password = make_password(loader.PASSWORD)
                made = demo_programme.load(password, lambda _label, i, n: steps.append((i, n)))
                demo_learning.load(password)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield Demo(sign_ins, made, steps)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
