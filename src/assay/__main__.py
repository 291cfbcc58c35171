"""`python -m assay` runs the CLI."""

import sys

from assay.cli import main

sys.exit(main())
