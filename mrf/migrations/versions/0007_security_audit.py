"""security: hash-chained, append-only audit trail; server-side sign-in sessions; sign-in throttling

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-07 16:00:00
"""
import sqlalchemy as sa
from alembic import op

from mrf.audit import append_only, chain

revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None

_AUDIT = sa.table('audit_log', sa.column('id', sa.BigInteger()), sa.column('at', sa.DateTime(timezone=True)),
                  sa.column('agent_id', sa.Integer()), sa.column('action', sa.String()),
                  sa.column('object_type', sa.String()), sa.column('object_id', sa.String()),
                  sa.column('details', sa.JSON()), sa.column('ip', sa.String()), sa.column('seq', sa.BigInteger()),
                  sa.column('prev_hash', sa.String()), sa.column('hash', sa.String()))


def _chain_existing_lines(conn: sa.Connection) -> None:
    """Existing lines, in id order, become the first links of the chain."""
    rows = conn.execute(sa.select(_AUDIT.c.id, _AUDIT.c.at, _AUDIT.c.agent_id, _AUDIT.c.action,
                                  _AUDIT.c.object_type, _AUDIT.c.object_id, _AUDIT.c.details, _AUDIT.c.ip)
                        .order_by(_AUDIT.c.id)).all()
    prev, updates = chain.GENESIS, []
    for seq, row in enumerate(rows, start=1):
        digest = chain.line_hash(seq, row.at, row.agent_id, row.action, row.object_type, row.object_id,
                                 row.details, row.ip, prev)
        updates.append({"b_id": row.id, "b_seq": seq, "b_prev": prev, "b_hash": digest})
        prev = digest
    if updates:
        conn.execute(_AUDIT.update().where(_AUDIT.c.id == sa.bindparam('b_id'))
                     .values(seq=sa.bindparam('b_seq'), prev_hash=sa.bindparam('b_prev'),
                             hash=sa.bindparam('b_hash')), updates)


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_seq'), ['seq'], unique=True)
    conn = op.get_bind()
    _chain_existing_lines(conn)
    append_only.install(conn)

    op.create_table('web_session',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_web_session_agent_id_agent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_session_token_hash'))
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_agent_id'), ['agent_id'], unique=False)
    op.create_table('sign_in_throttle',
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_allowed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_sign_in_throttle'))
    )


def downgrade() -> None:
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_agent_id'))
    op.drop_table('web_session')
    append_only.remove(op.get_bind())
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_seq'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
