"""The ``explorer`` command: explore, replay, real, models.

Exit status: 0 no failure, 1 a failure found, 2 bad input (one line on
stderr, never a traceback).
"""
import argparse
import json
import sys

from . import api, report
from .errors import BadInput, Divergence

STRATEGY_NAMES = ["dpor", "dfs", "bounded", "random", "pct"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise BadInput(message)


def _parser():
    p = _Parser(prog="explorer", description="Deterministic interleaving explorer for "
                "Python threading code.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    e = sub.add_parser("explore", help="explore the interleavings of a target")
    e.add_argument("target")
    e.add_argument("--strategy", choices=STRATEGY_NAMES, default="dpor")
    e.add_argument("--max-executions", type=_positive_int)
    e.add_argument("--max-seconds", type=_positive_float)
    e.add_argument("--max-steps", type=_positive_int, default=api.DEFAULT_MAX_STEPS)
    e.add_argument("--preemption-bound", type=_natural_int)
    e.add_argument("--seed", type=int)
    e.add_argument("--json", action="store_true")
    e.add_argument("--graph")
    e.add_argument("--report")
    e.add_argument("--all-failures", action="store_true")
    e.add_argument("--granularity", choices=["sync", "memory"], default="memory")
    r = sub.add_parser("replay", help="re-run one schedule exactly and print its trace")
    r.add_argument("target")
    r.add_argument("schedule", nargs="+", help="the schedule string (spaces are ignored)")
    r.add_argument("--json", action="store_true")
    r.add_argument("--max-steps", type=_positive_int, default=api.DEFAULT_MAX_STEPS)
    m = sub.add_parser("models", help="list the bundled models")
    m.add_argument("--json", action="store_true")
    return p


def _positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _natural_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text}")
    return value


def _positive_float(text):
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def cmd_explore(args):
    options = {}
    if args.seed is not None:
        options["seed"] = args.seed
    if args.preemption_bound is not None:
        options["preemption_bound"] = args.preemption_bound
    result = api.explore(args.target, args.strategy, max_executions=args.max_executions,
                         max_seconds=args.max_seconds, max_steps=args.max_steps,
                         all_failures=args.all_failures, **options)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(report.explore_text(result))
    return 1 if result.failures else 0


def cmd_replay(args):
    schedule = "".join(args.schedule)
    try:
        record = api.replay(args.target, schedule, max_steps=args.max_steps)
    except Divergence as exc:
        if args.json:
            print(json.dumps({"target": args.target, "schedule": schedule, "outcome": None,
                              "failure": {"kind": "nondeterminism", "message": str(exc),
                                          "schedule": schedule, "trace": [], "cycle": None},
                              "trace": []}))
        else:
            print(f"explorer: nondeterminism: {exc}")
        return 1
    if args.json:
        print(json.dumps(record.replay_json()))
    else:
        print(report.replay_text(record))
    return 1 if (record.failure is not None or record.divergence) else 0


def cmd_models(args):
    from .models_index import list_models
    rows = list_models()
    if args.json:
        print(json.dumps(rows))
    else:
        width = max([len(r["name"]) for r in rows] + [4])
        for r in rows:
            print(f"{r['name']:<{width}}  {r['target']}  {r['lesson']}")
    return 0


def main(argv=None):
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return {"explore": cmd_explore, "replay": cmd_replay, "models": cmd_models}[
            args.command](args)
    except BadInput as exc:
        print(f"explorer: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("explorer: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
