"""Charts rendered headless (matplotlib's Agg canvas, the Figure API, never pyplot's global state)."""
