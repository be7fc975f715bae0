"""digests: each school's team-digest time, team members' feedback on the walkthrough form, and an index
for counting a school's walkthroughs by week

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('walkthrough', schema=None) as batch_op:
        batch_op.create_index('ix_walkthrough_school_id_visit_date', ['school_id', 'visit_date'], unique=False)

    op.create_table('digest_settings',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('at', sa.Time(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('school_id')
    )
    op.create_table('form_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('look_for_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('week_of', sa.Date(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'person_id', 'look_for_key', 'kind')
    )
    with op.batch_alter_table('form_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_feedback_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_feedback_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_feedback_team_id'), ['team_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('form_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_feedback_team_id'))
        batch_op.drop_index(batch_op.f('ix_form_feedback_school_id'))
        batch_op.drop_index(batch_op.f('ix_form_feedback_person_id'))

    op.drop_table('form_feedback')
    op.drop_table('digest_settings')
    with op.batch_alter_table('walkthrough', schema=None) as batch_op:
        batch_op.drop_index('ix_walkthrough_school_id_visit_date')
