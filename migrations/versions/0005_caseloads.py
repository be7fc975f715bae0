"""caseloads: schools that split their teachers among their leaders

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caseload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["leader_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["teacher_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "leader_id", "teacher_id"),
    )
    with op.batch_alter_table("caseload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_caseload_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_caseload_leader_id"), ["leader_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("caseload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caseload_leader_id"))
        batch_op.drop_index(batch_op.f("ix_caseload_school_id"))
    op.drop_table("caseload")
