"""rotation: each school day's stored plan, its planned visits and their outcomes, and scheduled job runs

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_text = sqlmodel.sql.sqltypes.AutoString
_moment = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "rotation_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("day_type", _text(length=64), nullable=False),
        sa.Column("school_day", sa.Boolean(), nullable=False),
        sa.Column("cycle_days", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("planned_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "day"),
    )
    op.create_table(
        "rotation_leader_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rotation_day_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("unfitted", sa.Integer(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("calendar_checked", sa.Boolean(), nullable=False),
        sa.Column("calendar_problem", _text(length=255), nullable=True),
        sa.Column("busy", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["rotation_day_id"], ["rotation_day.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["leader_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rotation_day_id", "leader_id"),
    )
    with op.batch_alter_table("rotation_leader_day", schema=None) as batch_op:
        batch_op.create_index("ix_rotation_leader_day_leader_id", ["leader_id"], unique=False)

    op.create_table(
        "planned_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", _text(length=255), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("class_title", _text(length=255), nullable=False),
        sa.Column("room", _text(length=255), nullable=True),
        sa.Column("period", _text(length=64), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("end", sa.Time(), nullable=False),
        sa.Column("reason", _text(length=1000), nullable=False),
        sa.Column("paired_with_id", sa.Integer(), nullable=True),
        sa.Column("status", _text(length=16), nullable=False),
        sa.Column("skip_reason", _text(length=200), nullable=True),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("updated_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["leader_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["teacher_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["class_id"], ["school_class.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["paired_with_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("planned_visit", schema=None) as batch_op:
        batch_op.create_index("ix_planned_visit_school_day", ["school_id", "day"], unique=False)
        batch_op.create_index("ix_planned_visit_leader_day", ["leader_id", "day"], unique=False)
        batch_op.create_index("ix_planned_visit_teacher_id", ["teacher_id"], unique=False)

    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", _text(length=255), nullable=False),
        sa.Column("job", _text(length=64), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", _text(length=16), nullable=False),
        sa.Column("detail", _text(length=255), nullable=False),
        sa.Column("recorded_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.create_index("ix_job_run_school_id", ["school_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index("ix_job_run_school_id")
    op.drop_table("job_run")
    with op.batch_alter_table("planned_visit", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_visit_teacher_id")
        batch_op.drop_index("ix_planned_visit_leader_day")
        batch_op.drop_index("ix_planned_visit_school_day")
    op.drop_table("planned_visit")
    with op.batch_alter_table("rotation_leader_day", schema=None) as batch_op:
        batch_op.drop_index("ix_rotation_leader_day_leader_id")
    op.drop_table("rotation_leader_day")
    op.drop_table("rotation_day")
