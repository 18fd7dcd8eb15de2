#!/usr/bin/env python3
"""Buku Data Agregat Kependudukan — the command line. `python build.py --help` lists the jobs."""

import sys

from agregat.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
