"""Every benchmark in one run: `uv run python -m bench [--quick] [--json | --markdown]`.

Quality, robustness, build, latency, startup and scale, each with its default options (see
bench/README.md); `--quick` keeps the small sizes (no 10k build, no 100k corpus, FAISS up
to 100k vectors) for a run of a few minutes instead of the better part of an hour.
"""

from __future__ import annotations

import argparse
import importlib
import json

from bench.common import Report, make_parser

BENCHES = ("quality", "robustness", "build", "latency", "startup", "scale")
QUICK = {
    "build": ["--sizes", "1000", "--embedders", "use"],
    "latency": ["--sizes", "1000", "10000", "--seconds", "8"],
    "startup": ["--sizes", "1000", "10000", "--runs", "2"],
    "scale": ["--sizes", "1000", "10000", "100000"],
}


def run_all(quick: bool, only: list[str]) -> list[Report]:
    reports = []
    for name in only:
        module = importlib.import_module(f"bench.{name}")
        configure = getattr(module, "configure", lambda parser: None)
        parser = make_parser((module.__doc__ or name).splitlines()[0], configure)
        args = parser.parse_args(QUICK.get(name, []) if quick else [])
        reports.append(module.run(args))
    return reports


def main() -> None:
    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--quick", action="store_true", help="Small sizes only.")
        parser.add_argument("--only", nargs="+", choices=BENCHES, default=list(BENCHES))

    args = make_parser(__doc__.splitlines()[0], configure).parse_args()
    reports = run_all(args.quick, args.only)
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
        return
    for report in reports:
        if args.markdown:
            print(f"## {report.name}\n\n{report.markdown()}")
        else:
            report.print()
    targets = [t for r in reports for t in r.targets]
    met = sum(t.met is True for t in targets)
    print(f"\n{met}/{len(targets)} targets met")


if __name__ == "__main__":
    main()
