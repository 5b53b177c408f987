"""The rules of `scripts/api-diff`, one by one, on small in-memory fragments: no git, no generation."""
