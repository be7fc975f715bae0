"""users.csv (and roles.csv in OneRoster 1.2): the staff, and only the staff.

Student, guardian, parent and relative rows are read past: only their sourcedId is looked at (to count
them and to say "is a student" rather than "unknown" when a staff file points at one). Their names,
emails, passwords and demographics never leave the row they were read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from integrations.oneroster.organisations import Orgs, check_org
from integrations.oneroster.reading import STATUS_COLUMNS, Reading
from integrations.oneroster.source import Row
from integrations.oneroster.values import Status, split_list

TEACHER = "teacher"
STUDENT_ROLES = frozenset({"student", "guardian", "parent", "relative"})
LEADER_ROLES = frozenset(
    {"administrator", "principal", "districtadministrator", "siteadministrator", "systemadministrator"}
)
OTHER_STAFF_ROLES = frozenset({"aide", "proctor", "counselor"})
KNOWN_ROLES = STUDENT_ROLES | LEADER_ROLES | OTHER_STAFF_ROLES | {TEACHER}

USER_COLUMNS_1_1 = ("sourcedId", "role", "orgSourcedIds", "givenName", "familyName", "email")
USER_COLUMNS_1_2 = ("sourcedId", "givenName", "familyName", "email")
ROLE_COLUMNS = ("sourcedId", "userSourcedId", "role", "orgSourcedId")


@dataclass(frozen=True)
class Person:
    """A staff member as OneRoster describes them; Rounds' roles are worked out once classes are read."""

    sourced_id: str
    given_name: str
    family_name: str
    email: str | None
    # (OneRoster role in lower case, org sourcedId)
    oneroster_roles: tuple[tuple[str, str], ...]


@dataclass
class People:
    staff: dict[str, Person] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    skipped_students: int = 0
    # Staff rows with a problem of their own: rows pointing at them are not reported again.
    rejected: set[str] = field(default_factory=set)
    # sourcedIds only, kept while reading for clearer messages; never put in the snapshot.
    student_ids: set[str] = field(default_factory=set)

    def check_staff(self, reading: Reading, kind: str, row: Row, column: str, user: str) -> bool:
        """Whether `user` is a staff member (or cannot be checked, in a delta bundle)."""
        if user in self.staff or user in self.deleted:
            return True
        if user in self.rejected:
            return False
        if user in self.student_ids:
            reading.add(kind, row, column, f"user '{user}' is a student, not staff")
        elif reading.complete("users"):
            reading.add(kind, row, column, f"unknown user '{user}'")
        else:
            return True
        return False


@dataclass
class RoleRows:
    """roles.csv (1.2): each user's active (role, org) pairs, and the rows, to check users afterwards."""

    by_user: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    rows: list[tuple[Row, str]] = field(default_factory=list)


def read_roles(reading: Reading, orgs: Orgs) -> RoleRows:
    roles = RoleRows()
    seen: dict[str, int] = {}
    for row in reading.rows("roles", required=ROLE_COLUMNS, optional=("roleType", *STATUS_COLUMNS)):
        status = reading.status("roles", row)
        if reading.sourced_id("roles", row, seen) is None or status is None:
            continue
        role = row["role"].lower()
        if role not in KNOWN_ROLES:
            reading.add("roles", row, "role", f"unknown role '{row['role']}'")
            continue
        user = reading.filled("roles", row, "userSourcedId")
        org = reading.filled("roles", row, "orgSourcedId")
        if user is None or org is None:
            continue
        roles.rows.append((row, user))
        if status is Status.ACTIVE and check_org(reading, orgs, "roles", row, "orgSourcedId", org):
            roles.by_user.setdefault(user, []).append((role, org))
    return roles


def read_users(reading: Reading, orgs: Orgs, roles: RoleRows | None) -> People:
    """Staff from users.csv; `roles` is roles.csv for 1.2, None for 1.1 (where users.csv has `role`)."""
    people = People()
    seen: dict[str, int] = {}
    if roles is not None and not reading.complete("roles"):
        # Without every role, nobody can be told apart from a student: users are not "known" either.
        reading.unreadable.add("users")
    required = USER_COLUMNS_1_1 if roles is None else USER_COLUMNS_1_2
    optional = (*STATUS_COLUMNS, "primaryOrgSourcedId", "preferredGivenName", "preferredFamilyName")
    for row in reading.rows("users", required=required, optional=optional):
        sourced_id = reading.sourced_id("users", row, seen)
        if sourced_id is None:
            continue
        user_roles = _roles_1_1(reading, orgs, row) if roles is None else _roles_1_2(reading, roles, row)
        if user_roles is None:
            people.rejected.add(sourced_id)
            continue
        if user_roles and all(role in STUDENT_ROLES for role, _ in user_roles):
            people.skipped_students += 1
            people.student_ids.add(sourced_id)
            continue
        status = reading.status("users", row)
        if status is Status.TO_BE_DELETED:
            people.deleted.add(sourced_id)
        if status is not Status.ACTIVE or (roles is not None and not user_roles):
            # Without a role saying this is staff (a 1.2 delta without roles.csv), the name is not read.
            continue
        person = _person(reading, orgs, row, sourced_id, user_roles)
        if person is None:
            people.rejected.add(sourced_id)
        else:
            people.staff[sourced_id] = person
    if roles is not None and reading.complete("users"):
        for row, user in roles.rows:
            if user not in seen:
                reading.add("roles", row, "userSourcedId", f"unknown user '{user}'")
    return people


def _roles_1_1(reading: Reading, orgs: Orgs, row: Row) -> list[tuple[str, str]] | None:
    role = row["role"].lower()
    if role not in KNOWN_ROLES:
        reading.add("users", row, "role", f"unknown role '{row['role']}'")
        return None
    if role in STUDENT_ROLES:
        return [(role, "")]
    org_ids = split_list(row["orgSourcedIds"])
    if not org_ids:
        reading.add("users", row, "orgSourcedIds", "orgSourcedIds is empty")
    known = [org for org in org_ids if check_org(reading, orgs, "users", row, "orgSourcedIds", org)]
    return [(role, org) for org in known]


def _roles_1_2(reading: Reading, roles: RoleRows, row: Row) -> list[tuple[str, str]] | None:
    user_roles = roles.by_user.get(row["sourcedId"], [])
    if not user_roles and reading.complete("roles") and row["status"].lower() != Status.TO_BE_DELETED.value:
        reading.add("users", row, "sourcedId", "no role for this user in roles.csv")
        return None
    return user_roles


def _person(
    reading: Reading, orgs: Orgs, row: Row, sourced_id: str, user_roles: list[tuple[str, str]]
) -> Person | None:
    """The staff member's names and email; preferred names, when given (1.2), are the ones Rounds uses."""
    given = row["preferredGivenName"] or reading.filled("users", row, "givenName")
    family = row["preferredFamilyName"] or reading.filled("users", row, "familyName")
    email = row["email"] or None
    if email is not None and not _looks_like_email(email):
        reading.add("users", row, "email", f"'{email}' is not an email address")
        return None
    primary = row["primaryOrgSourcedId"]
    if primary:
        check_org(reading, orgs, "users", row, "primaryOrgSourcedId", primary)
    if given is None or family is None:
        return None
    return Person(sourced_id, given, family, email, tuple(user_roles))


def _looks_like_email(value: str) -> bool:
    local, at, domain = value.partition("@")
    return bool(local and at and "." in domain and "@" not in domain and " " not in value)
