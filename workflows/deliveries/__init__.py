"""The delivery outbox: every message Rounds sends is first a row here, then sent by the delivery worker."""
