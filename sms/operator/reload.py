"""Content reloads without a restart in development (debug mode only).

Before each request to /sms or /simulator, the newest modification time of the files under content/ and
menus/ is compared with the one last loaded; when it changed, the content is loaded again (and the texts
it added embedded) and handed to the line. Content with errors is not served: the line keeps the content
it had and the log lists every problem, with file and line, until the files are fixed.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app, request

from .. import content as content_module

log = logging.getLogger("sms.reload")
WATCHED = ("content", "menus")


def latest_mtime(root: Path) -> float:
    """The newest modification time of the content folders, their sub-folders and YAML files (0 when none)."""
    newest = 0.0
    for folder in WATCHED:
        base = Path(root) / folder
        if not base.exists():
            continue
        for path in (base, *base.rglob("*")):
            if path.suffix not in (".yaml", ".yml") and not path.is_dir():
                continue
            try:
                newest = max(newest, path.stat().st_mtime)
            except FileNotFoundError:  # removed while we looked: the folder's own time changed too
                continue
    return newest


class Watcher:
    """Remembers when the content was last loaded and reloads it into the app's line when files change."""

    def __init__(self, root: Path, load):
        """load(): the assets of the content under root as it is now (raises ContentError when broken)."""
        self.root, self.load = Path(root), load
        self.seen = latest_mtime(self.root)
        self._lock = threading.Lock()

    def check(self, line) -> bool:
        """Reload into line when the files changed since the last look; True when new content is served."""
        with self._lock:
            newest = latest_mtime(self.root)
            if newest == self.seen:
                return False
            self.seen = newest
            try:
                line.serve(self.load())
            except content_module.ContentError as exc:
                log.error("content changed but has %d error(s); still serving the previous content:\n%s",
                          len(exc.problems), exc)
                return False
            except Exception as exc:  # a loader bug must not take the line down either
                log.error("content changed but could not be loaded (%s: %s); still serving the previous content;"
                          " run python -m sms check", type(exc).__name__, exc)
                return False
            log.info("content changed: reloaded")
            return True


def watch(app: Flask, load) -> None:
    """Reload changed content with load() before each /sms and /simulator request of app (call it in debug
    mode only)."""
    watcher = Watcher(app.config["SMS_CONTENT_DIR"], load)

    @app.before_request
    def reload_changed_content():
        """Before /sms and /simulator requests: serve the content as it is on disk now, if it is valid."""
        if request.endpoint == "sms.sms" or request.blueprint == "simulator":
            watcher.check(current_app.extensions["sms_line"])
