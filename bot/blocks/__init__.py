"""Block Kit builders: pure functions from domain objects to message and view payloads."""
