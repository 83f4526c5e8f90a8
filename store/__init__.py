"""The assessment store: units, assessments with full revision history, workflow, recognitions, users and audit
(SQLAlchemy 2; SQLite by default, PostgreSQL for shared use; Alembic migrations shipped in the package)."""
