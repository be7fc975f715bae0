"""Calendar adapters for the rotation planner: Google Calendar freebusy and iCalendar feeds.

Each implements a protocol from `workflows.rotation.calendars` (`LeaderCalendar`, `SchoolDaysOff`). Import
the submodule you need (`integrations.calendars.google`, `integrations.calendars.ical`) so a deployment
without Google credentials never loads the Google client.
"""
