"""python -m sms COMMAND: see sms.cli."""

import sys

from .cli import main

sys.exit(main())
