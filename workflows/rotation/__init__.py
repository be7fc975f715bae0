"""Rotation planning: each leader's three classroom visits a day, around bell schedules and calendars."""
