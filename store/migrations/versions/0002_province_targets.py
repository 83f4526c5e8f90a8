"""Province targets (share of communes recognised by a year).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('province_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_province_targets_province_code_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_province_targets')),
    sa.UniqueConstraint('province_code', 'year', name=op.f('uq_province_targets_province_code'))
    )


def downgrade() -> None:
    op.drop_table("province_targets")
