"""Static files that never stop a page from being served."""

from __future__ import annotations

import logging

from django.contrib.staticfiles import finders
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class CollectedStaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed files with cache-busting names, once `joinedup collectstatic`
    has collected them; until then, a file's own name.

    Django's manifest storage raises for a file missing from the manifest, so a server
    started before the collect step (gunicorn run straight, or an upgrade that added a file
    and skipped the step) answered 500 on every page. Here such a file keeps its own name
    and whitenoise serves it from the source folders (`WHITENOISE_USE_FINDERS`): pages stay
    correct, only with shorter caching, and the log says which step was missed.
    `joinedup serve` still refuses to start before the step, so a deployment does not run
    like this by accident.
    """

    _missed: set[str] = set()  # each missing file is looked at once per process, not per page

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            if name in self._missed:
                return name
            self._missed.add(name)
            # Whitenoise asks at start for the unhashed name of every file named like
            # `x.min.js` (`x.js`), names that exist nowhere; only a real file went uncollected.
            if finders.find(name) is None:
                return name
            logger.warning(
                "Static file %s has not been collected; serving it from the source folders. "
                "Run `joinedup collectstatic --noinput` after installing or upgrading.",
                name,
            )
            return name
