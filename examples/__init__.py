"""Runnable examples of h11typed; see examples/demo.py."""
