"""Tests for h11typed. Run them through scripts/test.sh (see tests/conftest.py)."""
