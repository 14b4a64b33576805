"""The ``territorio`` command line.

The commands are in :mod:`.app`, progress and summaries in :mod:`.progress`, and the error
boundary that turns every failure into a message in :mod:`.boundary`.
"""

from territorio.cli.app import app, main

__all__ = ["app", "main"]
