"""Contract tests: the generated packages against the spec, served by Prism (or a real server)."""
