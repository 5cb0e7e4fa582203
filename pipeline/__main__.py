"""`python -m pipeline` is the `yanbao` command."""

from pipeline.cli import entry

entry()
