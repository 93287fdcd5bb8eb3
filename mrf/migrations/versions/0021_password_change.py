"""agent: a password set by an administrator must be changed by its user at next sign-in

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 19:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agent') as batch:
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agent') as batch:
        batch.drop_column('password_changed_at')
        batch.drop_column('must_change_password')
