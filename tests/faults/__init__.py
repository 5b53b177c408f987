"""Fault-injection tests: a real, misbehaving HTTP server, hostile inputs, and the secrecy of the API key."""
