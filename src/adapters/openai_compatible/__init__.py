"""Adapters for any server that speaks the OpenAI Chat Completions API."""
