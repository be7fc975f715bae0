"""Tests of the fake Slack Web API and the signed-request helpers."""
