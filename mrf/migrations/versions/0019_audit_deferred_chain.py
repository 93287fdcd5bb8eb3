"""audit: on PostgreSQL, lines are appended with their own digest and chained after the commit

The append-only trigger lets the chaining step set seq, prev_hash and hash on a line that had none
(mrf.audit.sealing); every other UPDATE, DELETE and TRUNCATE stays refused. SQLite chains at flush: its
triggers are unchanged.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 19:30:00
"""
from alembic import op
from sqlalchemy import text

from mrf.audit import append_only

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

_STRICT = """CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'Journal d''audit en ajout seul : % refusé', TG_OP;
    END $$"""


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.execute(text(append_only.PG_FUNCTION))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        # Lines still waiting for their place are chained first: the strict trigger would refuse it later.
        from mrf.audit import sealing

        sealing.chain_pending(conn)
        conn.execute(text(_STRICT))
