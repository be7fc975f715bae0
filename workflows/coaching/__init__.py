"""Coaching: cycles with phases, log entries private to coach and teacher, follow-ups, weekly reflections."""
