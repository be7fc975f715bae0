"""orgs.csv, academicSessions.csv and courses.csv: the schools and district, and what classes refer to."""

from __future__ import annotations

from dataclasses import dataclass, field

from integrations.oneroster.reading import STATUS_COLUMNS, Reading
from integrations.oneroster.source import Row
from integrations.oneroster.values import Status, parse_date, split_list
from workflows.roster.snapshot import DistrictRecord

SCHOOL, DISTRICT = "school", "district"
ORG_TYPES = (DISTRICT, SCHOOL, "department", "local", "state", "national")
SESSION_TYPES = ("gradingperiod", "semester", "schoolyear", "term")


@dataclass
class Orgs:
    """Active orgs by sourcedId (type and parent), in file order, plus the ones marked tobedeleted."""

    names: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def school_ids(self) -> list[str]:
        return [org for org, kind in self.types.items() if kind == SCHOOL]

    def district_of(self, org: str) -> str | None:
        """The district an org sits under, climbing through any intermediate orgs."""
        seen: set[str] = set()
        current = self.parents.get(org)
        while current and current not in seen:
            if self.types.get(current) == DISTRICT:
                return current
            seen.add(current)
            current = self.parents.get(current)
        return None

    def schools_of(self, org: str) -> list[str]:
        """The schools an org stands for: itself if a school, the district's schools if a district."""
        kind = self.types.get(org)
        if kind == SCHOOL:
            return [org]
        if kind == DISTRICT:
            return [school for school in self.school_ids() if self.district_of(school) == org]
        return []

    def districts(self) -> list[DistrictRecord]:
        return [DistrictRecord(org, self.names[org]) for org, kind in self.types.items() if kind == DISTRICT]


def read_orgs(reading: Reading) -> Orgs:
    orgs = Orgs()
    seen: dict[str, int] = {}
    parent_refs: list[tuple[Row, str]] = []
    for row in reading.rows(
        "orgs", required=("sourcedId", "name", "type"), optional=("parentSourcedId", *STATUS_COLUMNS)
    ):
        sourced_id = reading.sourced_id("orgs", row, seen)
        status = reading.status("orgs", row)
        if sourced_id is None or status is None:
            continue
        if status is Status.TO_BE_DELETED:
            orgs.deleted.add(sourced_id)
            continue
        kind = row["type"].lower()
        if kind not in ORG_TYPES:
            reading.add("orgs", row, "type", f"unknown org type '{row['type']}'")
            continue
        name = reading.filled("orgs", row, "name")
        if name is None:
            continue
        orgs.names[sourced_id] = name
        orgs.types[sourced_id] = kind
        if row["parentSourcedId"]:
            orgs.parents[sourced_id] = row["parentSourcedId"]
            parent_refs.append((row, row["parentSourcedId"]))
    for row, parent in parent_refs:
        check_org(reading, orgs, "orgs", row, "parentSourcedId", parent)
    return orgs


def check_org(reading: Reading, orgs: Orgs, kind: str, row: Row, column: str, org: str) -> bool:
    """Whether `org` may be referred to; reports an unknown one when orgs.csv is complete."""
    if org in orgs.types or org in orgs.deleted or not reading.complete("orgs"):
        return True
    reading.add(kind, row, column, f"unknown org '{org}'")
    return False


def check_school(reading: Reading, orgs: Orgs, kind: str, row: Row, column: str, school: str) -> bool:
    """Whether `school` is a school org (or cannot be checked, in a delta bundle without orgs)."""
    org_type = orgs.types.get(school)
    if org_type == SCHOOL or school in orgs.deleted or (org_type is None and not reading.complete("orgs")):
        return True
    if org_type is None:
        reading.add(kind, row, column, f"unknown school '{school}'")
    else:
        reading.add(kind, row, column, f"'{school}' is a {org_type}, not a school")
    return False


def read_academic_sessions(reading: Reading) -> set[str]:
    """The sessions' sourcedIds (active or not), so classes' termSourcedIds can be checked."""
    kind = "academicSessions"
    seen: dict[str, int] = {}
    parent_refs: list[tuple[Row, str]] = []
    for row in reading.rows(
        kind,
        required=("sourcedId", "title", "type", "startDate", "endDate"),
        optional=("parentSourcedId", *STATUS_COLUMNS),
    ):
        if reading.sourced_id(kind, row, seen) is None or reading.status(kind, row) is None:
            continue
        if row["type"].lower() not in SESSION_TYPES:
            reading.add(kind, row, "type", f"unknown session type '{row['type']}'")
        start, end = parse_date(row["startDate"]), parse_date(row["endDate"])
        for column, value in (("startDate", start), ("endDate", end)):
            if value is None:
                reading.add(kind, row, column, f"'{row[column]}' is not a date (YYYY-MM-DD)")
        if start and end and end < start:
            reading.add(kind, row, "endDate", f"endDate {end} is before startDate {start}")
        if row["parentSourcedId"]:
            parent_refs.append((row, row["parentSourcedId"]))
    for row, parent in parent_refs:
        if parent not in seen and reading.complete(kind):
            reading.add(kind, row, "parentSourcedId", f"unknown academic session '{parent}'")
    return set(seen)


def read_courses(reading: Reading, orgs: Orgs) -> dict[str, str | None]:
    """Course titles by sourcedId (classes show them); None for a course marked tobedeleted."""
    titles: dict[str, str | None] = {}
    seen: dict[str, int] = {}
    for row in reading.rows(
        "courses", required=("sourcedId", "title"), optional=("orgSourcedId", *STATUS_COLUMNS)
    ):
        sourced_id = reading.sourced_id("courses", row, seen)
        status = reading.status("courses", row)
        if sourced_id is None or status is None:
            continue
        if status is Status.TO_BE_DELETED:
            titles[sourced_id] = None
            continue
        if row["orgSourcedId"]:
            for org in split_list(row["orgSourcedId"]):
                check_org(reading, orgs, "courses", row, "orgSourcedId", org)
        titles[sourced_id] = reading.filled("courses", row, "title")
    return titles
