"""inspector: unannounced civil-affairs inspections, offline on a laptop, synced to the bureau."""

__version__ = "0.1.0"
