"""decisions: ANV proposals and verdicts (maker-checker), letters notifying decisions on requests

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('anv_proposition',
    sa.Column('id', _ID, nullable=False),
    sa.Column('redevable_id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=True),
    sa.Column('motif', sa.String(length=32), nullable=False),
    sa.Column('grounds', sa.JSON(), nullable=False),
    sa.Column('creance_ids', sa.JSON(), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_anv_proposition_agent_id_agent')),
    sa.ForeignKeyConstraint(['redevable_id'], ['redevable.id'], name=op.f('fk_anv_proposition_redevable_id_redevable')),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_anv_proposition_structure_id_structure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anv_proposition'))
    )
    op.create_index(op.f('ix_anv_proposition_redevable_id'), 'anv_proposition', ['redevable_id'], unique=False)
    op.create_index(op.f('ix_anv_proposition_structure_id'), 'anv_proposition', ['structure_id'], unique=False)
    op.create_table('anv_verdict',
    sa.Column('id', _ID, nullable=False),
    sa.Column('proposition_id', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_anv_verdict_agent_id_agent')),
    sa.ForeignKeyConstraint(['proposition_id'], ['anv_proposition.id'],
                            name=op.f('fk_anv_verdict_proposition_id_anv_proposition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anv_verdict')),
    sa.UniqueConstraint('proposition_id', name=op.f('uq_anv_verdict_proposition_id'))
    )
    op.create_table('decision_letter',
    sa.Column('id', _ID, nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('request_decision_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_decision_letter_document_id_document')),
    sa.ForeignKeyConstraint(['request_decision_id'], ['request_decision.id'],
                            name=op.f('fk_decision_letter_request_decision_id_request_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_letter')),
    sa.UniqueConstraint('document_id', name=op.f('uq_decision_letter_document_id'))
    )
    op.create_index(op.f('ix_decision_letter_request_decision_id'), 'decision_letter', ['request_decision_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_table('decision_letter')
    op.drop_table('anv_verdict')
    op.drop_table('anv_proposition')
