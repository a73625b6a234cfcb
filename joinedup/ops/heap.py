"""Keeping the garbage collector's full passes short in a serving process.

A worker that has loaded Django, the URLs and every view holds about 205,000 objects that live
as long as it does; each full (oldest-generation) collection walks all of them — 170 ms on
this project's CI machine — and lands on whichever request happens to be running: the
benchmarks saw a partnership page at 30 ms most of the time and 250–310 ms every few dozen
requests (issue 19). `settle` loads what a worker would load lazily on its first requests and
moves everything made so far into the permanent generation (`gc.freeze`), which no collection
walks; requests' own objects are collected as before. The cost: objects of the start-up that
die later are never freed — a few, once.
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Load every URL's view, collect once, and freeze what is left; the objects frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module now)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
