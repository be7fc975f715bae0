"""Walkthroughs: a leader's short classroom visit, its written evidence, and what follows from it."""
