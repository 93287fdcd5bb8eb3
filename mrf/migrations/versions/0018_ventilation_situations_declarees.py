"""principal and majorations of a créance; situations declared by the source extracts

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 19:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('creance') as batch:
        batch.add_column(sa.Column('principal_cents', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('majorations_cents', sa.BigInteger(), nullable=True))
    op.create_table(
        'situation_declaree',
        sa.Column('id', _ID, nullable=False),
        sa.Column('source_record_id', _ID, nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('situation_id', _ID, nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'],
                                name=op.f('fk_situation_declaree_batch_id_import_batch')),
        sa.ForeignKeyConstraint(['situation_id'], ['situation.id'],
                                name=op.f('fk_situation_declaree_situation_id_situation')),
        sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'],
                                name=op.f('fk_situation_declaree_source_record_id_source_record')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_situation_declaree')),
        sa.UniqueConstraint('source_record_id', 'kind', 'started_on', 'reference',
                            name=op.f('uq_situation_declaree_source_record_id_kind_started_on_reference')),
    )
    op.create_index(op.f('ix_situation_declaree_situation_id'), 'situation_declaree', ['situation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_situation_declaree_situation_id'), table_name='situation_declaree')
    op.drop_table('situation_declaree')
    with op.batch_alter_table('creance') as batch:
        batch.drop_column('majorations_cents')
        batch.drop_column('principal_cents')
