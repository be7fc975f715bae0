"""OneRoster 1.1 / 1.2 CSV bulk and delta bundles (a folder or a .zip), plus Rounds' own files, read into a
`workflows.roster.snapshot.RosterSnapshot`.

Files read (names matched without regard to case; in a zip, in any folder):

- manifest.csv: `oneroster.version` (1.1 or 1.2; without it, roles.csv means 1.2) and `file.<name>` =
  bulk, delta or absent. Optional; without it every file present is bulk.
- orgs.csv, users.csv, classes.csv, enrollments.csv, bell_schedules.csv, and roles.csv for 1.2: required in
  a bulk bundle. In a delta bundle (any `file.*` = delta) every file is optional.
- academicSessions.csv, courses.csv, calendar.csv, staff_roles.csv (may add `calendarUrl`), teams.csv
  (may add a `status` column), schools.csv (time zone and the school's routine), caseloads.csv
  (which teachers each leader sees, where a school splits them): optional. Rounds' files have no manifest entry; present means bulk.
- demographics.csv and every other file: never opened. The `password` column is never read.

Staff only: users whose roles are all student, guardian, parent or relative are counted in
`skipped_students` and nothing else about them is kept. In 1.2 a user with no role in roles.csv is never
imported. Teachers are TEACHER at the schools of the classes they are enrolled in as teacher and of their
school orgs. OneRoster administrators (administrator, principal, siteAdministrator, districtAdministrator,
systemAdministrator) are LEADER at their schools (a district org stands for all its schools), unless
staff_roles.csv is present: then it alone names leaders, coaches and admins. 1.2 preferred names win.

Every period in classes.csv `periods` must have times in bell_schedules.csv for the class's school, and
every calendar.csv dayType other than `none` must be a day type of that school's bell schedule.

References are checked only against files the bundle holds in bulk (a delta cannot know the rest). Rows
marked `tobedeleted` go to `snapshot.deleted` by kind ("users", "classes", "orgs", "teams"); in delta files
`status` and `dateLastModified` are required. Every problem names its file, row (header = row 1; rows are
CSV records, so a quoted newline does not shift the count) and column; all are reported at once, up to 50.
"""

from integrations.oneroster.bundle import read_bundle

__all__ = ["read_bundle"]
