"""Reference data: the framework with its forms, look-fors and scale, and each school's bell schedule and
day types. Read once per version and reused across requests (`cache.py`)."""
