"""`python -m agregat …`, and the `agregat` command of an installed wheel: the command line of build.py, run
in the working directory as the project folder."""

import sys

from agregat.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
