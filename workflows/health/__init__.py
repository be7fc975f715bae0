"""Health: the worker's heartbeat, and what the outbox and the scheduled jobs add up to (for /healthz, /metrics)."""
