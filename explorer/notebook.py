"""Inline display in Jupyter: ``Result`` and ``ExecutionRecord`` as static HTML.

No script: notebook viewers (GitHub, nbviewer) strip it. A result shows its
summary, outcomes and failures (each with its trace folded); a record shows
its interleaving as a timeline, one column per thread, one row per step,
which is how the tutorial draws interleavings on paper.
"""
from html import escape

from .naming import bounded_repr, object_name
from .runtime.sites import short

_STYLE = ("<style>.xp td,.xp th{padding:1px 8px;text-align:left;vertical-align:top}"
          ".xp .fail{color:#a02020;font-weight:600}.xp code{font-size:90%}</style>")
_TRACE_ROWS = 200


def result_html(result):
    """HTML for a Result: counts, outcomes, failures with their traces."""
    status = "complete" if result.complete else "incomplete (budget or interrupt)"
    rows = [("target", result.target), ("strategy", result.strategy),
            ("executions", result.executions), ("steps", result.steps),
            ("states", len(result.states)), ("coverage", status),
            ("elapsed", f"{result.elapsed_s:.3f} s")]
    parts = [_STYLE, '<div class="xp">', _table(rows)]
    parts.append("<h4>Outcomes</h4>" + _table(
        [(f"<code>{escape(bounded_repr(record.outcome))}</code>", count)
         for _, (count, record) in sorted(result.outcomes.items())],
        head=("value", "count"), raw=True) if result.outcomes else "<p>no outcome returned</p>")
    records = result.failure_records
    parts.append(f"<h4>Failures: {len(records)}</h4>" if records else "<h4>No failure</h4>")
    for record in records:
        parts.append(_failure_html(record))
    parts.append("</div>")
    return "".join(parts)


def record_html(record):
    """HTML for one execution: outcome or failure, schedule, and a per-thread timeline."""
    parts = [_STYLE, '<div class="xp">']
    if record.failure is not None:
        parts.append(_failure_head(record))
    elif record.returned:
        parts.append(f"<p>outcome: <code>{escape(bounded_repr(record.outcome))}</code></p>")
    parts.append(f"<p>schedule: <code>{escape(record.schedule)}</code></p>")
    if record.divergence:
        parts.append(f'<p class="fail">nondeterminism: {escape(record.divergence)}</p>')
    parts.append(timeline_html(record))
    parts.append("</div>")
    return "".join(parts)


def timeline_html(record, limit=_TRACE_ROWS):
    """The trace as a table with one column per thread (the last ``limit`` steps)."""
    threads = []
    for name, _ in record.trace:
        if name not in threads:
            threads.append(name)
    first = max(0, len(record.trace) - limit)
    head = "<tr><th>step</th>" + "".join(f"<th>{escape(t)}</th>" for t in threads) + "</tr>"
    rows = [head]
    for i, (name, op) in enumerate(record.trace[first:], start=first):
        obj = object_name(op.obj)
        cell = escape(op.kind + (f" {obj}" if obj else "")) + f" <small>{escape(short(op.site))}</small>"
        cells = "".join(f"<td>{cell}</td>" if t == name else "<td></td>" for t in threads)
        rows.append(f"<tr><td>{i}</td>{cells}</tr>")
    skipped = f"<p>... {first} earlier steps</p>" if first else ""
    return skipped + "<table>" + "".join(rows) + "</table>"


def record_svg(record):
    """The failure's diagram (deadlock, lock-order cycle) as SVG, or None."""
    from .render.html import diagram_svg
    return diagram_svg(record)


def _failure_head(record):
    f = record.failure
    return f'<p class="fail">{escape(f.kind)}: {escape(f.message)}</p>'


def _failure_html(record):
    return (_failure_head(record)
            + f"<p>replay: <code>{escape(record.schedule)}</code></p>"
            + (record_svg(record) or "")
            + f"<details><summary>trace ({len(record.trace)} steps)</summary>"
            + timeline_html(record) + "</details>")


def _table(rows, head=None, raw=False):
    def cell(value):
        return str(value) if raw else escape(str(value))
    out = ["<table>"]
    if head:
        out.append("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>")
    return "".join(out) + "</table>"
