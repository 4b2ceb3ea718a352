"""Triển Khai: from a resolution to tracked, reported work across an organisation tree."""

__version__ = "0.1.0"
