"""worklist action: the next action of every account (its plan's first step), cached for the work list

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 19:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'worklist_action',
        sa.Column('redevable_id', _ID, autoincrement=False, nullable=False),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.Column('entry_refreshed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('action_kind', sa.String(length=32), nullable=True),
        sa.Column('tiers_kind', sa.String(length=32), nullable=True),
        sa.Column('action', sa.String(length=200), nullable=True),
        sa.Column('pourquoi', sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint('redevable_id', name=op.f('pk_worklist_action')),
    )
    # The entries are a cache: the next list recomputes them with the new deadlines (instalment missed,
    # commissaire's phase ending).
    op.execute("DELETE FROM worklist_state")


def downgrade() -> None:
    op.drop_table('worklist_action')
