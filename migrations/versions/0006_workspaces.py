"""workspaces: a Slack workspace on every roster row and delivery; sourced ids unique per workspace

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite reflects 0001's unnamed unique constraints without a name; this convention names them for batch mode.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
_TENANT_TABLES = ("district", "school", "person", "school_class", "team")


def _workspace_column() -> sa.Column:
    return sa.Column(
        "workspace", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default="default"
    )


def _old_unique(table: str, column: str) -> str:
    sqlite = op.get_bind().dialect.name == "sqlite"
    return f"uq_{table}_{column}" if sqlite else f"{table}_{column}_key"


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("enterprise_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("installer_user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("installed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("uninstalled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("uninstall_reason", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for table in _TENANT_TABLES:
        with op.batch_alter_table(table, naming_convention=_SQLITE_NAMES) as batch_op:
            batch_op.add_column(_workspace_column())
            batch_op.drop_constraint(_old_unique(table, "sourced_id"), type_="unique")
            if table == "person":
                batch_op.drop_constraint(_old_unique(table, "slack_user_id"), type_="unique")
                batch_op.create_unique_constraint(
                    "uq_person_workspace_slack_user_id", ["workspace", "slack_user_id"]
                )
            batch_op.create_unique_constraint(f"uq_{table}_workspace_sourced_id", ["workspace", "sourced_id"])
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.add_column(_workspace_column())
        batch_op.create_index("ix_delivery_workspace_status", ["workspace", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.drop_index("ix_delivery_workspace_status")
        batch_op.drop_column("workspace")
    for table in reversed(_TENANT_TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_workspace_sourced_id", type_="unique")
            if table == "person":
                batch_op.drop_constraint("uq_person_workspace_slack_user_id", type_="unique")
                batch_op.create_unique_constraint(_old_unique(table, "slack_user_id"), ["slack_user_id"])
            batch_op.create_unique_constraint(_old_unique(table, "sourced_id"), ["sourced_id"])
            batch_op.drop_column("workspace")
    op.drop_table("workspace")
