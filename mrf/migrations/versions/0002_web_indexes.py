"""web: work-list entries, indexes for the pages, trigram search on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('worklist_entry',
    sa.Column('structure_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('redevable_id', BigId, autoincrement=False, nullable=False),
    sa.Column('total_due_cents', sa.BigInteger(), nullable=False),
    sa.Column('has_impots', sa.Boolean(), nullable=False),
    sa.Column('has_amendes', sa.Boolean(), nullable=False),
    sa.Column('has_secteur_local', sa.Boolean(), nullable=False),
    sa.Column('nearest_prescription', sa.Date(), nullable=True),
    sa.Column('next_deadline', sa.Date(), nullable=True),
    sa.Column('sort_name', sa.String(length=401), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('structure_id', 'redevable_id', name=op.f('pk_worklist_entry'))
    )
    with op.batch_alter_table('worklist_entry', schema=None) as batch_op:
        batch_op.create_index('ix_worklist_entry_total', ['structure_id', 'total_due_cents', 'redevable_id'], unique=False)
        batch_op.create_index('ix_worklist_entry_prescription', ['structure_id', 'nearest_prescription', 'redevable_id'], unique=False)
        batch_op.create_index('ix_worklist_entry_deadline', ['structure_id', 'next_deadline', 'redevable_id'], unique=False)
        batch_op.create_index('ix_worklist_entry_name', ['structure_id', 'sort_name', 'redevable_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_worklist_entry_redevable_id'), ['redevable_id'], unique=False)

    op.create_table('worklist_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('watermarks', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('full_refresh_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worklist_state'))
    )
    op.create_index('ix_redevable_merged_into_id', 'redevable', ['merged_into_id'], unique=False)
    op.create_index('ix_record_link_linked_at', 'record_link', ['linked_at'], unique=False)
    op.create_index('ix_audit_log_action_at', 'audit_log', ['action', 'at'], unique=False)
    op.create_index('ix_creance_reference', 'creance', ['reference'], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # Typo-tolerant name search: trigram index on the folded names, when pg_trgm can be installed
        # (a trusted extension since PostgreSQL 13). Without it the search still works, by scanning.
        available = bind.execute(sa.text(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
        allowed = bind.execute(sa.text(
            "SELECT has_database_privilege(current_database(), 'CREATE')")).scalar()
        if available and allowed:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            op.execute("CREATE INDEX IF NOT EXISTS ix_redevable_search_trgm ON redevable "
                       "USING gin (lower(search_text) gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_redevable_search_trgm")
    op.drop_index('ix_creance_reference', table_name='creance')
    op.drop_index('ix_audit_log_action_at', table_name='audit_log')
    op.drop_index('ix_record_link_linked_at', table_name='record_link')
    op.drop_index('ix_redevable_merged_into_id', table_name='redevable')
    op.drop_table('worklist_state')
    with op.batch_alter_table('worklist_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worklist_entry_redevable_id'))
        batch_op.drop_index('ix_worklist_entry_name')
        batch_op.drop_index('ix_worklist_entry_deadline')
        batch_op.drop_index('ix_worklist_entry_prescription')
        batch_op.drop_index('ix_worklist_entry_total')
    op.drop_table('worklist_entry')
