"""Where an uploaded tree file (registry or mapping) waits between its preview and its
confirmation: a private directory of the user, under a random token that only the user's session
knows, the browser never sending a path. At most a few wait per user; older than a day they go.
(The same way as the ratings import's page, `imports.views`, kept apart: its helpers are its own.)
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.http import Http404

SESSION_KEY = "tree_files"
UPLOAD_ROOT = Path(tempfile.gettempdir()) / "party-tree-files"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_SECONDS = 24 * 3600
MAX_WAITING = 3


def _user_dir(user) -> Path:
    path = UPLOAD_ROOT / str(int(user.pk))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _purge(directory: Path, uploads: dict) -> None:
    """Uploads older than KEEP_SECONDS go; beyond MAX_WAITING - 1, the oldest too."""
    limit = time.time() - KEEP_SECONDS
    waiting = sorted((p for p in directory.iterdir() if TOKEN.match(p.name)), key=lambda p: p.stat().st_mtime)
    for index, item in enumerate(waiting):
        if item.stat().st_mtime < limit or index < len(waiting) - MAX_WAITING + 1:
            uploads.pop(item.name, None)
            item.unlink(missing_ok=True)


def store(request, data: bytes, *, name: str, kind: str) -> str:
    """Keep `data` for the user's confirmation; returns its token."""
    directory = _user_dir(request.user)
    uploads = request.session.get(SESSION_KEY, {})
    _purge(directory, uploads)
    token = secrets.token_urlsafe(24)
    fd = os.open(directory / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
    uploads[token] = {"name": name, "kind": kind}
    request.session[SESSION_KEY] = uploads
    return token


def load(request, token: str, *, kind: str) -> tuple[str, bytes, Path]:
    """(file name, bytes, path) of the upload behind a token of this session and kind; else 404."""
    if not TOKEN.match(token):
        raise Http404
    meta = request.session.get(SESSION_KEY, {}).get(token)
    path = _user_dir(request.user) / token
    if meta is None or meta.get("kind") != kind or not path.is_file():
        raise Http404
    return meta["name"], path.read_bytes(), path


def forget(request, token: str, path: Path) -> None:
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    path.unlink(missing_ok=True)
