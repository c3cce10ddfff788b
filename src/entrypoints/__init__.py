"""Entrypoints: settings, the container, the CLI, the worker and the Lambda handler."""
