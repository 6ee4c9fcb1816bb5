"""`python -m vidensbank ...` is the `vidensbank` command."""

import sys

from vidensbank.app.cli import main

sys.exit(main())
