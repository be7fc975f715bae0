"""hardening: a folded search form of every name; a school's first day; days without walkthroughs

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from workflows.roster.names import search_form

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_moment = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(
            sa.Column(
                "search_name",
                sqlmodel.sql.sqltypes.AutoString(length=600),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_index("ix_person_search_name", ["search_name"], unique=False)
    _fill_search_names()
    with op.batch_alter_table("person") as batch_op:
        batch_op.alter_column("search_name", server_default=None)
    with op.batch_alter_table("school") as batch_op:
        batch_op.add_column(sa.Column("first_day", sa.Date(), nullable=True))
    op.create_table(
        "time_away",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_time_away_person_days", "time_away", ["person_id", "last_day"], unique=False)
    op.create_index("ix_time_away_school_days", "time_away", ["school_id", "last_day"], unique=False)


def _fill_search_names() -> None:
    """Existing people get the same search form the roster import gives new ones."""
    person = sa.table(
        "person",
        sa.column("id", sa.Integer),
        sa.column("given_name", sa.String),
        sa.column("family_name", sa.String),
        sa.column("search_name", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(person.c.id, person.c.given_name, person.c.family_name)).all()
    for row in rows:
        bind.execute(
            person.update()
            .where(person.c.id == row.id)
            .values(search_name=search_form(row.given_name or "", row.family_name or ""))
        )


def downgrade() -> None:
    op.drop_index("ix_time_away_school_days", table_name="time_away")
    op.drop_index("ix_time_away_person_days", table_name="time_away")
    op.drop_table("time_away")
    with op.batch_alter_table("school") as batch_op:
        batch_op.drop_column("first_day")
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_index("ix_person_search_name")
        batch_op.drop_column("search_name")
