"""The demo district, the fake Slack Web API and signed-request helpers for tests and `rounds demo`."""
