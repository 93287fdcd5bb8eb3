"""situations of the debtor (surendettement, procédure collective, décès…) and refunds of tiers' excess payments

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'situation',
        sa.Column('id', _ID, nullable=False),
        sa.Column('redevable_id', _ID, nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.Column('supersedes_id', _ID, nullable=True),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_situation_agent_id_agent')),
        sa.ForeignKeyConstraint(['redevable_id'], ['redevable.id'], name=op.f('fk_situation_redevable_id_redevable')),
        sa.ForeignKeyConstraint(['supersedes_id'], ['situation.id'], name=op.f('fk_situation_supersedes_id_situation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_situation')),
    )
    op.create_index(op.f('ix_situation_redevable_id'), 'situation', ['redevable_id'], unique=False)
    op.create_table(
        'remboursement',
        sa.Column('id', _ID, nullable=False),
        sa.Column('redevable_id', _ID, nullable=False),
        sa.Column('payment_id', _ID, nullable=False),
        sa.Column('acte_id', _ID, nullable=True),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('beneficiary', sa.String(length=200), nullable=False),
        sa.Column('document_id', _ID, nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['acte_id'], ['acte.id'], name=op.f('fk_remboursement_acte_id_acte')),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_remboursement_agent_id_agent')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_remboursement_document_id_document')),
        sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_remboursement_payment_id_payment')),
        sa.ForeignKeyConstraint(['redevable_id'], ['redevable.id'],
                                name=op.f('fk_remboursement_redevable_id_redevable')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_remboursement')),
    )
    op.create_index(op.f('ix_remboursement_redevable_id'), 'remboursement', ['redevable_id'], unique=False)
    op.create_index(op.f('ix_remboursement_payment_id'), 'remboursement', ['payment_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_remboursement_payment_id'), table_name='remboursement')
    op.drop_index(op.f('ix_remboursement_redevable_id'), table_name='remboursement')
    op.drop_table('remboursement')
    op.drop_index(op.f('ix_situation_redevable_id'), table_name='situation')
    op.drop_table('situation')
