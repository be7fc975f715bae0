"""Every Slack identifier Rounds uses: commands, action_ids, callback_ids, block_ids.

Listeners and Block Kit builders import these; a literal identifier anywhere else is a bug waiting to happen.
`manifest.yml` declares the commands and shortcuts named here.
"""

# Slash commands
ROUNDS_COMMAND = "/rounds"
