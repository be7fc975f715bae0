"""Schools, staff, classes, teams, bell schedules and calendars: who teaches what, where and when."""
