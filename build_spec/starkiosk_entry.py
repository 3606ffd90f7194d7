"""The bundle's entry point: the same as the ``starkiosk`` command (kiosk.cli.main)."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
