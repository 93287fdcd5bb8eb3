"""poursuites: numbering of issued documents per series, structure and year; acts by the act they cancel

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_sequence',
    sa.Column('series', sa.String(length=16), nullable=False),
    sa.Column('structure_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'],
                            name=op.f('fk_document_sequence_structure_id_structure')),
    sa.PrimaryKeyConstraint('series', 'structure_id', 'year', name=op.f('pk_document_sequence'))
    )
    with op.batch_alter_table('acte', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acte_cancels_id'), ['cancels_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('acte', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acte_cancels_id'))
    op.drop_table('document_sequence')
