"""arrondissement of each commune (INSEE COG), imported, for the commissaires' statistics per arrondissement

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 19:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'arrondissement_commune',
        sa.Column('code_insee', sa.String(length=5), nullable=False),
        sa.Column('arrondissement', sa.String(length=5), nullable=False),
        sa.Column('libelle', sa.String(length=120), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code_insee', name=op.f('pk_arrondissement_commune')),
    )
    op.create_index(op.f('ix_arrondissement_commune_arrondissement'), 'arrondissement_commune', ['arrondissement'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_arrondissement_commune_arrondissement'), table_name='arrondissement_commune')
    op.drop_table('arrondissement_commune')
