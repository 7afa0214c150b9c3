"""`python -m ocop` is the `ocop` command."""

import sys

from ocop.cli.main import main

sys.exit(main())
