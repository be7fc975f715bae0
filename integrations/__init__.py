"""Adapters to systems outside Rounds; they fill workflows' types and implement its protocols."""
