"""closedset: intimacy coordination for film sets."""

__version__ = "0.1.0"
