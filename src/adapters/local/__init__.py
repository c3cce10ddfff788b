"""Local adapters: files on disk, in-memory fakes, offline transcription and extraction."""
