"""Slack's user directory for the roster: users.lookupByEmail and users.info through the Web API."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

_NOT_FOUND = {"users_not_found", "user_not_found"}


class SlackUserDirectory:
    """Implements the roster's SlackDirectory and SlackEmails protocols.

    Rate limits are honoured by the client's RateLimitErrorRetryHandler (see `bot.slack_client`).
    """

    def __init__(self, client: WebClient):
        self._client = client

    def user_id_for_email(self, email: str) -> str | None:
        try:
            user = self._client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as error:
            if error.response.get("error") in _NOT_FOUND:
                return None
            raise
        return None if user.get("deleted") or user.get("is_bot") else user["id"]

    def email_for_user(self, user_id: str) -> str | None:
        try:
            user = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") in _NOT_FOUND:
                return None
            raise
        return (user.get("profile") or {}).get("email")
