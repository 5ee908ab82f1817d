"""Dealmonitor: monitoring and learning for City Deals and Town Deals."""

__version__ = "0.1.0"
