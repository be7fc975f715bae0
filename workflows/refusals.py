"""The domain's refusals: requests it turns down for a reason the person should hear.

Every feature's "you may not" or "not now" is a `Refusal`; the Slack surface turns any of them into an
ephemeral reply, a modal field error or an explanation modal in one place (`bot/errors.py`).
"""

from __future__ import annotations


class Refusal(Exception):
    """A request refused; `str(refusal)` is fit to show the person who asked."""
