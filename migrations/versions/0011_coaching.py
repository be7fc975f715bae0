"""coaching: settings per school, cycles, entries with look-fors, action steps and needs tags, teachers'
reflections and requests, coaches' weekly reflections, walkthroughs shared with a coach, preferences

Revision ID: 0011
Revises: 0010 (re-chained at merge onto whatever is the head then)
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('coach_reflection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('week_of', sa.Date(), nullable=False),
    sa.Column('went_well', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('learned', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('try_next', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('support', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('shared_with_principal_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coach_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('coach_id', 'week_of')
    )
    with op.batch_alter_table('coach_reflection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coach_reflection_coach_id'), ['coach_id'], unique=False)

    op.create_table('coaching_preference',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('remind_check_backs', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('coaching_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('goal', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('baseline', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('expected_weeks', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('phases', sa.JSON(), nullable=False),
    sa.Column('phase_index', sa.Integer(), nullable=False),
    sa.Column('phase_started_on', sa.Date(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coach_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['teacher_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('coaching_cycle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_cycle_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_cycle_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_cycle_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('coaching_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['teacher_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('coaching_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_request_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_request_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('coaching_settings',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('phases', sa.JSON(), nullable=False),
    sa.Column('cadence_days', sa.JSON(), nullable=False),
    sa.Column('needs_tags', sa.JSON(), nullable=False),
    sa.Column('reflection_weekday', sa.Integer(), nullable=False),
    sa.Column('reflection_time', sa.Time(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('school_id')
    )
    op.create_table('coaching_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('phase', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('working', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('challenges', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('measure_value', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('shared_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('talk_requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coach_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['cycle_id'], ['coaching_cycle.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['teacher_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('coaching_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_entry_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_entry_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_entry_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_entry_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_entry_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('coaching_action_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('check_back_on', sa.Date(), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['coaching_cycle.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['coaching_entry.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coaching_action_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_action_step_check_back_on'), ['check_back_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_action_step_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_action_step_entry_id'), ['entry_id'], unique=False)

    op.create_table('coaching_entry_look_for',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('look_for_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['coaching_entry.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['look_for_id'], ['look_for.id'], ),
    sa.PrimaryKeyConstraint('entry_id', 'look_for_id')
    )
    with op.batch_alter_table('coaching_entry_look_for', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_entry_look_for_look_for_id'), ['look_for_id'], unique=False)

    op.create_table('coaching_entry_reflection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['coaching_entry.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('coaching_entry_reflection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_entry_reflection_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_entry_reflection_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('coaching_need',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(length=108), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['coaching_entry.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'tag')
    )
    op.create_table('walkthrough_share',
    sa.Column('walkthrough_id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('shared_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coach_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['walkthrough_id'], ['walkthrough.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('walkthrough_id', 'coach_id')
    )
    with op.batch_alter_table('walkthrough_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walkthrough_share_coach_id'), ['coach_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('walkthrough_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walkthrough_share_coach_id'))

    op.drop_table('walkthrough_share')
    op.drop_table('coaching_need')
    with op.batch_alter_table('coaching_entry_reflection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_entry_reflection_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_entry_reflection_entry_id'))

    op.drop_table('coaching_entry_reflection')
    with op.batch_alter_table('coaching_entry_look_for', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_entry_look_for_look_for_id'))

    op.drop_table('coaching_entry_look_for')
    with op.batch_alter_table('coaching_action_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_action_step_entry_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_action_step_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_action_step_check_back_on'))

    op.drop_table('coaching_action_step')
    with op.batch_alter_table('coaching_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_entry_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_entry_school_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_entry_held_on'))
        batch_op.drop_index(batch_op.f('ix_coaching_entry_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_entry_coach_id'))

    op.drop_table('coaching_entry')
    op.drop_table('coaching_settings')
    with op.batch_alter_table('coaching_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_request_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_request_school_id'))

    op.drop_table('coaching_request')
    with op.batch_alter_table('coaching_cycle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_cycle_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_cycle_school_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_cycle_coach_id'))

    op.drop_table('coaching_cycle')
    op.drop_table('coaching_preference')
    with op.batch_alter_table('coach_reflection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coach_reflection_coach_id'))

    op.drop_table('coach_reflection')
