"""A database connection lost in the middle of a write (server restart, network cut, backend
terminated): one handling for every page that writes.

The server rolls the open transaction back, so nothing was written. The broken connection is
dropped, so that this page and the next requests reconnect, and the user is told to try again
(a write that did land shows as a conflict or a changed preview then: the versions moved).
"""

from __future__ import annotations

import contextlib
import logging

from django.contrib import messages
from django.db import InterfaceError, OperationalError, connection
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

LOST_STATUS = 503


class ConnectionLost(Exception):
    """Raised by `on_lost_connection` once the connection is dropped and the user told."""


@contextlib.contextmanager
def on_lost_connection(request, what: str):
    try:
        yield
    except (OperationalError, InterfaceError) as error:
        logger.warning("%s: database error during %s", request.path, what, exc_info=True)
        connection.close()
        messages.error(
            request,
            _("The database connection was lost while saving; nothing was written. Please try again."),
        )
        raise ConnectionLost from error
