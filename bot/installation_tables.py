"""slack_sdk's installation and OAuth state tables, declared on Rounds' own metadata.

The tables are slack_sdk's (its own builders define them, so its SQLAlchemy stores read and write them as
they expect); declaring them on ``workflows.tables.metadata`` makes them part of Rounds' schema, created by
migration 0007 and checked against it like every other table. ``workflows`` never imports slack_sdk, so the
declaration lives here; ``migrations/env.py`` and the tests import ``metadata`` from this module.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from workflows.tables import metadata

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name


def _declare() -> None:
    """Add the three tables once (importing this module again must not redefine them)."""
    if INSTALLATIONS_TABLE not in metadata.tables:
        SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS_TABLE)
    if BOTS_TABLE not in metadata.tables:
        SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE)
    if OAUTH_STATES_TABLE not in metadata.tables:
        SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, OAUTH_STATES_TABLE)


_declare()

__all__ = ["BOTS_TABLE", "INSTALLATIONS_TABLE", "OAUTH_STATES_TABLE", "metadata"]
