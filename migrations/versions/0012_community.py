"""community: the district's community channel, coaches' posts with replies and thanks, reflections
shared with the coach community

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('community_channel',
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('workspace', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('slack_channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('private', sa.Boolean(), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('problem', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('district_id')
    )
    op.create_table('community_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('workspace', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('slack_channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('posted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('posted_on', sa.Date(), nullable=True),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('answered_how', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.Column('nudged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('thanks', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('community_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_post_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_post_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_post_status'), ['status'], unique=False)

    op.create_table('community_reflection_share',
    sa.Column('reflection_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('shared_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.ForeignKeyConstraint(['reflection_id'], ['coach_reflection.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reflection_id')
    )
    with op.batch_alter_table('community_reflection_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_reflection_share_district_id'), ['district_id'], unique=False)

    op.create_table('community_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('slack_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['post_id'], ['community_post.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('post_id', 'ts')
    )
    with op.batch_alter_table('community_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_reply_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_reply_post_id'), ['post_id'], unique=False)

    op.create_table('community_thanks',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('thanked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['post_id'], ['community_post.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'person_id')
    )


def downgrade() -> None:
    op.drop_table('community_thanks')
    with op.batch_alter_table('community_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_reply_post_id'))
        batch_op.drop_index(batch_op.f('ix_community_reply_person_id'))

    op.drop_table('community_reply')
    with op.batch_alter_table('community_reflection_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_reflection_share_district_id'))

    op.drop_table('community_reflection_share')
    with op.batch_alter_table('community_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_post_status'))
        batch_op.drop_index(batch_op.f('ix_community_post_district_id'))
        batch_op.drop_index(batch_op.f('ix_community_post_author_id'))

    op.drop_table('community_post')
    op.drop_table('community_channel')
