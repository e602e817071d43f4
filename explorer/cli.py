"""The ``explorer`` command: explore, replay, real, models.

Exit status: 0 no failure, 1 a failure found, 2 bad input (one line on
stderr, never a traceback).
"""
import argparse
import json
import sys

from . import api, progress, real, report
from .graph import stategraph
from .render import html
from .render.dot import write_graph
from .render.tools import format_of
from .atomic import check_writable
from .errors import BadInput

STRATEGY_NAMES = ["dpor", "dfs", "stateful", "bounded", "random", "pct"]


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
    e.add_argument("--graph", metavar="OUT.{dot,svg,png,graphml,json}",
                   help="draw the first deadlock's wait-for graph (its timeline goes to "
                        "OUT.timeline.svg), else the first lock-order cycle, else the "
                        "state graph (summarised when big); .graphml/.json: the whole "
                        "state graph, for networkx")
    e.add_argument("--report")
    e.add_argument("--all-failures", action="store_true")
    e.add_argument("--granularity", choices=["sync", "memory"], default="memory")
    e.add_argument("--step-timeout", type=_positive_float, default=api.DEFAULT_STEP_TIMEOUT,
                   help="seconds one step may run before it is reported as hung")
    r = sub.add_parser("replay", help="re-run one schedule exactly and print its trace")
    r.add_argument("target")
    r.add_argument("schedule", nargs="+", help="the schedule string (spaces are ignored)")
    r.add_argument("--json", action="store_true")
    r.add_argument("--max-steps", type=_positive_int, default=api.DEFAULT_MAX_STEPS)
    r.add_argument("--step-timeout", type=_positive_float, default=api.DEFAULT_STEP_TIMEOUT)
    r.add_argument("--granularity", choices=["sync", "memory"], default="memory",
                   help="the granularity the schedule was explored with")
    q = sub.add_parser("real", help="run the target on real threads; check each step is an "
                       "edge of the explored state graph")
    q.add_argument("target")
    q.add_argument("--runs", type=_positive_int, default=real.DEFAULT_RUNS)
    q.add_argument("--json", action="store_true")
    q.add_argument("--seed", type=int, help="seed of the random tiny sleeps that shake runs")
    q.add_argument("--granularity", choices=["sync", "memory"], default="memory")
    q.add_argument("--max-executions", type=_positive_int,
                   help="budget for building the state graph (incomplete: may report "
                        "unexplored steps as missing)")
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
    for option, path in (("--graph", args.graph), ("--report", args.report)):
        problem = path and check_writable(path)
        if problem:
            raise BadInput(f"{option}: {problem}")
    if args.graph and format_of(args.graph) is None and not _state_graph_file(args.graph):
        raise BadInput(f"--graph: {args.graph}: expected a .dot, .svg or .png file name "
                       "(or .graphml/.json for the state graph)")
    shown = progress.for_terminal(quiet=args.json, max_executions=args.max_executions,
                                  max_seconds=args.max_seconds)
    try:
        result = api.explore(args.target, args.strategy, max_executions=args.max_executions,
                             max_seconds=args.max_seconds, max_steps=args.max_steps,
                             all_failures=args.all_failures, progress=shown,
                             step_timeout=args.step_timeout, granularity=args.granularity,
                             **options)
    finally:
        if shown is not None:
            shown.close()
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(report.explore_text(result))
    if args.graph and _state_graph_file(args.graph):
        note = stategraph.write(result.graph.to_networkx(), args.graph)
        print(f"graph: wrote {args.graph}" + (f" ({note})" if note else ""),
              file=sys.stderr if args.json else sys.stdout)
    elif args.graph:
        for note in write_graph(result, args.graph):
            print(f"graph: {note}", file=sys.stderr if args.json else sys.stdout)
    if args.report:
        html.write_report(result, args.report)
        if not args.json:
            print(f"report: {args.report}")
    return 1 if result.failures else 0


def cmd_replay(args):
    schedule = "".join(args.schedule)
    record = api.replay(args.target, schedule, max_steps=args.max_steps,
                        step_timeout=args.step_timeout, granularity=args.granularity)
    if args.json:
        print(json.dumps(record.replay_json()))
    else:
        print(report.replay_text(record))
    return 1 if (record.failure is not None or record.divergence) else 0


def _state_graph_file(path):
    return path.lower().endswith((".graphml", ".json"))


def cmd_real(args):
    result = real.check(args.target, args.runs, seed=args.seed, granularity=args.granularity,
                        max_executions=args.max_executions)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(real.report_text(result))
    return 1 if result.missing else 0


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
        return {"explore": cmd_explore, "replay": cmd_replay, "real": cmd_real,
                "models": cmd_models}[
            args.command](args)
    except BadInput as exc:
        print(f"explorer: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("explorer: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
