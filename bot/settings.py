"""Settings from the environment (and an optional `.env`), as listed in DESIGN.md "Contracts"."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a Rounds process needs to know about its surroundings. Secrets never print."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    database_url: str = Field(default="sqlite:///rounds.sqlite3", description="SQLAlchemy URL")
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_client_id: str | None = Field(default=None, description="set: multi-workspace mode (OAuth installs)")
    slack_client_secret: SecretStr | None = None
    slack_redirect_uri: str | None = Field(
        default=None, description="https://<public host>/slack/oauth_redirect; unset: the app's first redirect URL"
    )
    slack_token_rotation: bool = Field(default=False, description="the app has token rotation turned on")
    google_application_credentials: Path | None = None
    google_delegated_admin: str | None = Field(
        default=None, description="the Workspace admin the service account impersonates for freebusy"
    )
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(default="text", description="json: one JSON object a line")

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, url: str) -> str:
        if url.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; the bare scheme would ask SQLAlchemy for psycopg2.
            return "postgresql+psycopg://" + url.removeprefix("postgresql://")
        if not url.startswith(("sqlite://", "postgresql+psycopg://")):
            raise ValueError("DATABASE_URL must start with sqlite:// or postgresql+psycopg://")
        return url

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        if level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level.upper()

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, url: str) -> str:
        return url if url.endswith("/") else url + "/"

    @property
    def multi_workspace(self) -> bool:
        """Installed over OAuth in any number of workspaces (a client id is set), not one bot token."""
        return bool(self.slack_client_id)

    @property
    def serving_secrets(self) -> tuple[str, ...]:
        """What a process answering Slack needs: the app's OAuth secret, or the one bot token."""
        token = "slack_client_secret" if self.multi_workspace else "slack_bot_token"
        return (token, "slack_signing_secret")

    def secret(self, name: str) -> str:
        """The plain value of a secret setting, or a clear error naming the variable to set."""
        value = getattr(self, name)
        if value is None:
            raise MissingSetting(name.upper())
        return value.get_secret_value()


class MissingSetting(RuntimeError):
    def __init__(self, variable: str):
        self.variable = variable
        super().__init__(f"{variable} is not set (see README, 'Configuration')")
