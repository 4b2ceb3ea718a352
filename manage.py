#!/usr/bin/env python
"""Django's manage.py; `trienkhai` does the same and more."""

from trienkhai.cli import main

if __name__ == "__main__":
    main()
