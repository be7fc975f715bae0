"""Benchmarks: `python -m bench [name] [options]`. Each module here exposes ``main(argv)`` (or ``main()``
when it takes no options) and prints a table of ratios against a floor measured or computed in the same
run. They are not unit tests."""
