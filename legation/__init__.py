"""Legation: an evidence-backed tracker of diplomats in crisis."""

__version__ = "0.1.0"
