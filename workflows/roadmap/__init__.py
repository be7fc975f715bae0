"""The instructional leadership roadmap's stages, and each leader's level in them, computed from records."""
