"""worklist: covering sort indexes (filtered pages as index-only scans)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

AGGREGATES = ['total_due_cents', 'has_impots', 'has_amendes', 'has_secteur_local', 'nearest_prescription',
              'next_deadline']
SORTS = {
    'ix_worklist_entry_total': 'total_due_cents',
    'ix_worklist_entry_prescription': 'nearest_prescription',
    'ix_worklist_entry_deadline': 'next_deadline',
    'ix_worklist_entry_name': 'sort_name',
}


def upgrade() -> None:
    with op.batch_alter_table('worklist_entry', schema=None) as batch_op:
        for name, key in SORTS.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, ['structure_id', key, 'redevable_id', *[c for c in AGGREGATES if c != key]],
                                  unique=False)


def downgrade() -> None:
    with op.batch_alter_table('worklist_entry', schema=None) as batch_op:
        for name, key in SORTS.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, ['structure_id', key, 'redevable_id'], unique=False)
