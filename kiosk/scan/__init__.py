"""Turning what a camera sees, or what a USB scanner types, into pass text (no Qt here)."""
