"""Alembic is the only way the schema is made: the migrated database is exactly what the models say."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.installation_tables import metadata  # Rounds' tables and slack_sdk's installation tables


def test_the_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), metadata
        )
    assert differences == []


def test_the_name_search_migration_folds_the_names_already_stored(tmp_path):
    """People imported before search forms existed are found by "zelenski" as soon as the schema is upgraded."""
    from sqlalchemy import create_engine, text

    import migrations

    url = f"sqlite:///{tmp_path}/before.sqlite3"
    migrations.upgrade(url, "0006")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO person (workspace, sourced_id, given_name, family_name, active) "
                "VALUES ('default', 'p-1', 'Ewa', 'Żeleński', 1)"
            )
        )
    migrations.upgrade(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT search_name FROM person")).scalar_one() == "ewa zelenski"
    engine.dispose()
