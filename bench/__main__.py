"""`python -m bench` runs every benchmark module in bench/; `python -m bench NAME [options]` runs one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def benchmark_names() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    names = benchmark_names()
    if argv and argv[0] in ("-h", "--help"):
        print(f"usage: python -m bench [NAME [options]]\nbenchmarks: {', '.join(names)}")
        return 0
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in names:
            print(f"error: no benchmark {name!r}; choose from {', '.join(names)}", file=sys.stderr)
            return 2
        chosen = [name]
    else:
        chosen, rest = names, argv
    for name in chosen:
        print(f"\n== bench.{name} ==", flush=True)
        run = importlib.import_module(f"bench.{name}").main
        if inspect.signature(run).parameters:
            run(rest)
        else:
            run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
