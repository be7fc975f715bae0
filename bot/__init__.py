"""The Slack surface of Rounds and its process entry points."""
