#!/usr/bin/env python3
"""Build the newsletter archive: `python build.py --help` lists the commands."""

import os
import sys

from newsarchive.cli import main

if __name__ == "__main__":
    code = main()
    # Out without freeing the archive and the caches object by object (a third of a second at
    # 10,000 stories, more than a rebuild with nothing to do): the system takes the memory back at
    # once. Everything was written and closed before main returned; what is printed is flushed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
