"""walkthroughs: visits, per-look-for ratings, teachers' reflections, feedback conversations

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "walkthrough",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("observer_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("visited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
        sa.Column("strength", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("next_step", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("planned_role", sa.String(length=16), nullable=False),
        sa.Column("share_with_teacher", sa.Boolean(), nullable=False),
        sa.Column("shared_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("second_observer_id", sa.Integer(), nullable=True),
        sa.Column("paired_with_id", sa.Integer(), nullable=True),
        sa.Column("planned_visit_key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("thanked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("talk_requested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_class.id"],
        ),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["form.id"],
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["framework.id"],
        ),
        sa.ForeignKeyConstraint(
            ["observer_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["paired_with_id"],
            ["walkthrough.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.ForeignKeyConstraint(
            ["second_observer_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index(op.f("ix_walkthrough_class_id"), "walkthrough", ["class_id"], unique=False)
    op.create_index(op.f("ix_walkthrough_form_id"), "walkthrough", ["form_id"], unique=False)
    op.create_index(op.f("ix_walkthrough_framework_id"), "walkthrough", ["framework_id"], unique=False)
    op.create_index(op.f("ix_walkthrough_observer_id"), "walkthrough", ["observer_id"], unique=False)
    op.create_index(op.f("ix_walkthrough_paired_with_id"), "walkthrough", ["paired_with_id"], unique=False)
    op.create_index(
        op.f("ix_walkthrough_planned_visit_key"), "walkthrough", ["planned_visit_key"], unique=False
    )
    op.create_index(op.f("ix_walkthrough_school_id"), "walkthrough", ["school_id"], unique=False)
    op.create_index(
        op.f("ix_walkthrough_second_observer_id"), "walkthrough", ["second_observer_id"], unique=False
    )
    op.create_index(op.f("ix_walkthrough_teacher_id"), "walkthrough", ["teacher_id"], unique=False)
    op.create_index(op.f("ix_walkthrough_visit_date"), "walkthrough", ["visit_date"], unique=False)
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("walkthrough_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(["walkthrough_id"], ["walkthrough.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("walkthrough_id"),
    )
    op.create_index(op.f("ix_conversation_leader_id"), "conversation", ["leader_id"], unique=False)
    op.create_index(op.f("ix_conversation_teacher_id"), "conversation", ["teacher_id"], unique=False)
    op.create_table(
        "reflection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("walkthrough_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(["walkthrough_id"], ["walkthrough.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index(op.f("ix_reflection_teacher_id"), "reflection", ["teacher_id"], unique=False)
    op.create_index(op.f("ix_reflection_walkthrough_id"), "reflection", ["walkthrough_id"], unique=False)
    op.create_table(
        "walkthrough_rating",
        sa.Column("walkthrough_id", sa.Integer(), nullable=False),
        sa.Column("look_for_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("observed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["look_for_id"],
            ["look_for.id"],
        ),
        sa.ForeignKeyConstraint(["walkthrough_id"], ["walkthrough.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("walkthrough_id", "look_for_id"),
    )
    op.create_index(
        op.f("ix_walkthrough_rating_look_for_id"), "walkthrough_rating", ["look_for_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_walkthrough_rating_look_for_id"), table_name="walkthrough_rating")
    op.drop_table("walkthrough_rating")
    op.drop_index(op.f("ix_reflection_walkthrough_id"), table_name="reflection")
    op.drop_index(op.f("ix_reflection_teacher_id"), table_name="reflection")
    op.drop_table("reflection")
    op.drop_index(op.f("ix_conversation_teacher_id"), table_name="conversation")
    op.drop_index(op.f("ix_conversation_leader_id"), table_name="conversation")
    op.drop_table("conversation")
    op.drop_index(op.f("ix_walkthrough_visit_date"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_teacher_id"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_second_observer_id"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_school_id"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_planned_visit_key"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_paired_with_id"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_observer_id"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_framework_id"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_form_id"), table_name="walkthrough")
    op.drop_index(op.f("ix_walkthrough_class_id"), table_name="walkthrough")
    op.drop_table("walkthrough")
