"""Rotation planning: each leader's three classroom visits a day, around bell schedules and calendars.

- `planner`, `quality`: pure planning of one day, and measuring a simulated cycle (no database).
- `calendars`: busy time and days off, as protocols `bot/` and `integrations/` implement.
- `inputs`: the planner's inputs from the database and calendars (school days, bells, sections, history).
- `plans`: planning a school's day once and storing it. `days`: a stored day as leaders see it.
- `changes`: Skip and Swap. `coverage`: who a leader has not seen lately; a cycle's quality.
- `leaders`: who the rotation serves. `job_runs`: scheduled runs, and when a reminder is due.
- `models`: the tables.
"""
