"""hardening: a folded search form of every name; a school's first day

Revision ID: 0009
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from workflows.roster.names import search_form

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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
    with op.batch_alter_table("school") as batch_op:
        batch_op.drop_column("first_day")
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_index("ix_person_search_name")
        batch_op.drop_column("search_name")
