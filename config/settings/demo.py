"""`make demo`: production-like serving (no debug) of the demo on the embedded SQLite database."""

from config.settings.base import *  # noqa: F403
