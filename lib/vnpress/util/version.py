"""The package version, recorded in every cache key."""

__version__ = "0.1.0"
