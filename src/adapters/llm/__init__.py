"""What every language-model adapter shares: the prompts, the schemas, the reading of replies."""
