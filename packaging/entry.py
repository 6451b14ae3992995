"""Entry point of the frozen build: the same ``mdb-triage`` command as the installed package."""

import sys

from mdbtriage.cli import main

if __name__ == "__main__":
    sys.exit(main())
