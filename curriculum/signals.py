"""What the curriculum tells the apps above it (it imports none of them)."""

from django.dispatch import Signal

weeks_loaded = Signal()
"""Sent after a curriculum file with weeks was loaded (fixtures save weeks without post_save handlers
running their rules): apps that store anything derived from the weeks refresh it."""
