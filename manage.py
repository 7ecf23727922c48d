#!/usr/bin/env python
"""Django's command-line utility; `devolve` is the same with the settings preset."""

import sys

from devolve.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
