"""manifest.csv: which OneRoster version the bundle speaks and whether each file is bulk, delta or absent."""

from __future__ import annotations

from integrations.oneroster.reading import ABSENT, MODES, Reading, file_name

VERSIONS = ("1.1", "1.2")
# The OneRoster files Rounds reads; the manifest may list others (demographics, results...) that it ignores.
READ_KINDS = ("orgs", "academicSessions", "courses", "users", "roles", "classes", "enrollments")


def read_manifest(reading: Reading) -> None:
    """Fill `reading.version` and `reading.modes`; without a usable version, roles.csv means 1.2."""
    version: str | None = None
    listed_rows: dict[str, int] = {}
    for row in reading.rows("manifest", required=("propertyName", "value")):
        prop, value = row["propertyName"], row["value"]
        if prop == "oneroster.version":
            if value in VERSIONS:
                version = value
            else:
                reading.add("manifest", row, "value", f"unsupported OneRoster version '{value}' (1.1 or 1.2)")
        elif prop.startswith("file."):
            kind = prop.removeprefix("file.").lower()
            mode = value.lower()
            if mode not in MODES:
                reading.add("manifest", row, "value", f"'{value}' is not bulk, delta or absent")
                continue
            reading.modes[kind] = mode
            listed_rows[kind] = row.number
    reading.version = version or ("1.2" if reading.files.has(file_name("roles")) else "1.1")
    for kind in READ_KINDS:
        mode = reading.modes.get(kind.lower())
        if mode not in (None, ABSENT) and not reading.files.has(file_name(kind)):
            reading.add(
                "manifest",
                listed_rows[kind.lower()],
                "value",
                f"{file_name(kind)} is listed as {mode} but is not in the bundle",
            )
