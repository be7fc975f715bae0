"""leader digests: each school's data reviews and the decisions taken at them

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("strengths", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("decisions", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["leader_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("school_id", "sequence"),
    )
    with op.batch_alter_table("data_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_review_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_review_leader_id"), ["leader_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_review_leader_id"))
        batch_op.drop_index(batch_op.f("ix_data_review_school_id"))
    op.drop_table("data_review")
