"""evaluation: each panel member's amount due per category, frozen at publication

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 16:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('panel_baseline',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('redevable_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_panel_baseline_panel_id_panel')),
    sa.ForeignKeyConstraint(['redevable_id'], ['redevable.id'], name=op.f('fk_panel_baseline_redevable_id_redevable')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_baseline')),
    sa.UniqueConstraint('panel_id', 'redevable_id', 'category',
                        name=op.f('uq_panel_baseline_panel_id_redevable_id_category'))
    )
    with op.batch_alter_table('panel_baseline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_baseline_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_baseline_redevable_id'), ['redevable_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('panel_baseline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_baseline_redevable_id'))
        batch_op.drop_index(batch_op.f('ix_panel_baseline_panel_id'))
    op.drop_table('panel_baseline')
