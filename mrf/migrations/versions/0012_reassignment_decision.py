"""panels: decisions on reassignment proposals as their own append-only rows (who, when, why)

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'reassignment_decision',
        sa.Column('id', _BIG, nullable=False),
        sa.Column('proposal_id', _BIG, nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('structure_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['proposal_id'], ['reassignment_proposal.id'],
                                name=op.f('fk_reassignment_decision_proposal_id_reassignment_proposal')),
        sa.ForeignKeyConstraint(['structure_id'], ['structure.id'],
                                name=op.f('fk_reassignment_decision_structure_id_structure')),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_reassignment_decision_agent_id_agent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reassignment_decision')),
    )
    with op.batch_alter_table('reassignment_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reassignment_decision_proposal_id'), ['proposal_id'], unique=False)
    # Decisions taken before this revision were columns of the proposal: copied as rows.
    op.execute("INSERT INTO reassignment_decision (proposal_id, decision, structure_id, reason, decided_at, agent_id) "
               "SELECT id, decision, to_structure_id, 'décision antérieure (motif non enregistré)', decided_at, "
               "decided_by_id FROM reassignment_proposal WHERE decision IS NOT NULL AND decided_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('reassignment_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reassignment_decision_proposal_id'))
    op.drop_table('reassignment_decision')
