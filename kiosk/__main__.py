"""``python -m kiosk`` — same as the ``starkiosk`` command."""

import sys

from kiosk.cli import main

sys.exit(main())
