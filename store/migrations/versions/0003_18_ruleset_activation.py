"""Ruleset overlays uploaded to the store and their activations for a province (issue 18).

Revision ID: 0003_18
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_18"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ruleset_overlays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('upload_sha256', sa.String(length=64), nullable=False),
    sa.Column('ruleset_ref', sa.String(length=60), nullable=False),
    sa.Column('ruleset_sha256', sa.String(length=64), nullable=False),
    sa.Column('base_ref', sa.String(length=60), nullable=False),
    sa.Column('base_sha256', sa.String(length=64), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('cases', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ruleset_overlays_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ruleset_overlays')),
    sa.UniqueConstraint('upload_sha256', name=op.f('uq_ruleset_overlays_upload_sha256'))
    )
    op.create_index(op.f('ix_ruleset_overlays_ruleset_sha256'), 'ruleset_overlays', ['ruleset_sha256'], unique=False)
    op.create_table('ruleset_activations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('overlay_id', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.String(length=16), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deactivated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deactivated_by'], ['users.id'], name=op.f('fk_ruleset_activations_deactivated_by_users')),
    sa.ForeignKeyConstraint(['overlay_id'], ['ruleset_overlays.id'], name=op.f('fk_ruleset_activations_overlay_id_ruleset_overlays')),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_ruleset_activations_province_code_provinces')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ruleset_activations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ruleset_activations'))
    )
    op.create_index(op.f('ix_ruleset_activations_overlay_id'), 'ruleset_activations', ['overlay_id'], unique=False)
    op.create_index(op.f('ix_ruleset_activations_province_code'), 'ruleset_activations', ['province_code'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ruleset_activations_province_code'), table_name='ruleset_activations')
    op.drop_index(op.f('ix_ruleset_activations_overlay_id'), table_name='ruleset_activations')
    op.drop_table('ruleset_activations')
    op.drop_index(op.f('ix_ruleset_overlays_ruleset_sha256'), table_name='ruleset_overlays')
    op.drop_table('ruleset_overlays')
