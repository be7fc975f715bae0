"""The Rounds domain: tables and business rules. Imports no Slack, HTTP or Google code."""
