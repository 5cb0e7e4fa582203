"""`python -m pipeline` is the `yanbao` command."""

import sys

from pipeline.cli import main

sys.exit(main())
