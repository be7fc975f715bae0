"""Reading what Slack sends, defensively: payloads can be forged, so a value of the wrong kind reads as
missing, never as an error."""

from __future__ import annotations

import json
from typing import Any


def json_object(text: str | None) -> dict:
    """A view's private_metadata (or any JSON text) as a dict; anything else reads as empty."""
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def as_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
