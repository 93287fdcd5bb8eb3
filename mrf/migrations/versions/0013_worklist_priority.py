"""worklist priority: time-barred amount apart from the recoverable total, kind of the next deadline

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('worklist_entry') as batch:
        batch.add_column(sa.Column('deadline_kind', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('barred_cents', sa.BigInteger(), nullable=False, server_default='0'))
    # The entries are a cache: the next list recomputes them all with the new rule.
    op.execute("DELETE FROM worklist_state")


def downgrade() -> None:
    with op.batch_alter_table('worklist_entry') as batch:
        batch.drop_column('barred_cents')
        batch.drop_column('deadline_kind')
