"""Adapters: implementations of the core ports."""
