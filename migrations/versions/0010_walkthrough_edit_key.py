"""walkthrough edit key: the modal whose edit made the current revision, so its retries change nothing and
a second modal opened from the same revision is refused instead of silently dropped

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("walkthrough", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edit_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("walkthrough", schema=None) as batch_op:
        batch_op.drop_column("edit_key")
