"""worklist action per office (a témoin's next action in an office's list is stored too, key account + structure);
worklist state: when a large writer last refreshed the lists

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 22:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _create(with_structure: bool) -> None:
    key = ['redevable_id', 'structure_id'] if with_structure else ['redevable_id']
    op.create_table(
        'worklist_action',
        sa.Column('redevable_id', _ID, autoincrement=False, nullable=False),
        *([sa.Column('structure_id', sa.Integer(), autoincrement=False, nullable=False)] if with_structure else []),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.Column('entry_refreshed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('action_kind', sa.String(length=32), nullable=True),
        sa.Column('tiers_kind', sa.String(length=32), nullable=True),
        sa.Column('action', sa.String(length=200), nullable=True),
        sa.Column('pourquoi', sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint(*key, name=op.f('pk_worklist_action')),
    )


# A cache, computed again at the next display or refresh: dropped and made anew rather than migrated.
def upgrade() -> None:
    op.drop_table('worklist_action')
    _create(with_structure=True)
    with op.batch_alter_table('worklist_state') as batch:
        batch.add_column(sa.Column('writer_at', sa.DateTime(timezone=True), nullable=True))
    # The entries are a cache: the next list recomputes them with a témoin's deadlines per office.
    op.execute("DELETE FROM worklist_state")


def downgrade() -> None:
    with op.batch_alter_table('worklist_state') as batch:
        batch.drop_column('writer_at')
    op.drop_table('worklist_action')
    _create(with_structure=False)
