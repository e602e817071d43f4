"""Human-readable reports: what happened, where, and the exact line to paste."""
import shlex

from .naming import bounded_repr, object_name
from .runtime.sites import short

TRACE_TAIL = 40


def replay_command(target, schedule, granularity=None):
    """The line to paste; a schedule explored at sync level replays at sync level."""
    flag = " --granularity sync" if granularity == "sync" else ""
    return f"explorer replay {shlex.quote(target)} {schedule}{flag}"


def trace_table(record, limit=TRACE_TAIL):
    """The trace as aligned text rows, with the last ``limit`` steps."""
    rows = record.trace
    skipped = max(0, len(rows) - limit)
    lines = []
    if skipped:
        lines.append(f"    ... {skipped} earlier steps")
    width = max([len(n) for n, _ in rows[skipped:]] + [6])
    for i, (name, op) in enumerate(rows[skipped:], start=skipped):
        obj = object_name(op.obj) or ""
        lines.append(f"    {i:>5}  {name:<{width}}  {op.kind:<12} {obj:<28} {short(op.site)}")
    return lines


def failure_text(record, target):
    f = record.failure
    lines = [f"  {f.kind}: {f.message}"]
    if f.traceback:
        lines.append("    traceback (most recent call last, target frames):")
        lines.extend("      " + line for line in _user_traceback(f.traceback))
    others = f.details.get("threads")
    if others and f.kind != "deadlock":  # a deadlock message already says who waits on what
        lines.append("    other threads at the failure:")
        lines.extend(f"      {t['thread']} pending {t['op']} {t['object'] or ''} at "
                     f"{t['location']}" for t in others)
    lines.extend(f"    also in this execution: {r.kind}: {r.message}" for r in record.related)
    lines.append(f"    trace ({len(record.trace)} steps):")
    lines.extend(trace_table(record))
    if f.kind == "deadlock":
        from .render.timeline import timeline_text
        lines.append("    timeline (one column per thread):")
        lines.extend("    " + line for line in timeline_text(record))
    granularity = getattr(record.target, "granularity", None)
    lines.append(f"    replay:  {replay_command(target, record.schedule, granularity)}")
    return lines


def _user_traceback(text):
    keep = [line for line in text.rstrip().splitlines() if "/explorer/" not in line
            and "greenlet" not in line]
    return keep[-12:]


def explore_text(result):
    status = "complete" if result.complete else "INCOMPLETE (budget or interrupt)"
    cut = f" (+{result.pruned} cut short)" if result.pruned else ""
    head = (f"explorer: {result.target} with {result.strategy}: {result.executions} executions"
            f"{cut}, {result.steps} steps, {len(result.states)} states, {status} "
            f"({result.elapsed_s:.2f} s)")
    lines = [head, "outcomes:" if result.outcomes else "outcomes: none returned"]
    for count, record in (entry for _, entry in sorted(result.outcomes.items())):
        lines.append(f"  {bounded_repr(record.outcome)}  x{count}")
    failures = result.failure_records
    lines.append(f"failures: {len(failures)}" if failures else "failures: none")
    for record in failures:
        lines.extend(failure_text(record, result.target))
    return "\n".join(lines)


def replay_text(record):
    lines = [f"explorer: replay of {record.target.spec}"]
    lines.append(f"trace ({len(record.trace)} steps):")
    lines.extend(trace_table(record, limit=10**9))
    if record.output:
        lines.append("output:")
        lines.extend("  " + line for line in record.output.rstrip("\n").splitlines())
    if record.failure is not None:
        lines.append("failure:")
        lines.extend(failure_text(record, record.target.spec))
    elif record.returned:
        from .naming import bounded_repr
        lines.append(f"outcome: {bounded_repr(record.outcome)}")
    if record.divergence:
        lines.append(f"nondeterminism: {record.divergence}")
    return "\n".join(lines)
