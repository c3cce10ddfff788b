"""Media adapters: audio extraction with ffmpeg."""
