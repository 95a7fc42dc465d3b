"""Models of library."""

from __future__ import annotations
