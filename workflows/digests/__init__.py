"""Team digests: each collaborative team's weekly walkthrough picture, aggregated and never individualized."""
