"""The messages each feature sends, one module per feature: who is told, under which outbox key, and
whether a message is posted once or updated in place. Listeners and jobs call one function here each;
nothing else in `bot/` writes to the outbox.

Every message is written to the outbox (`workflows.deliveries`) in the caller's transaction, with the
workspace of the data it reports, and sent by the delivery worker.
"""
