"""Slack workspaces Rounds is installed in: a district belongs to one, and every message goes to its own."""
