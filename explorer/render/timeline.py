"""The interleaving that led to a failure: one column per thread, one row per step.

The step that closed a deadlock's cycle is marked, and a last row shows
what each thread was left waiting on. Drawn as text for the terminal and as
a standalone SVG (plain XML, no renderer needed).
"""
from xml.sax.saxutils import escape

from ..naming import object_name
from ..runtime.sites import short

TAIL = 30            # steps shown; earlier ones are summarised in one line
_COL = 26            # text column width
_MARK = "<- closes the cycle"


def rows(record, tail=TAIL):
    """``(threads, skipped, [(step, thread, text, location)], blocked)`` for a record.

    ``blocked`` maps a thread to what it was pending on when the execution
    failed, as ``(text, location)`` (from the failure's ``threads`` detail).
    """
    threads = []
    for name, _ in record.trace:
        if name not in threads:
            threads.append(name)
    skipped = max(0, len(record.trace) - tail)
    steps = []
    for i, (name, op) in enumerate(record.trace[skipped:], start=skipped):
        obj = object_name(op.obj)
        text = op.kind if obj is None or obj == name else f"{op.kind} {obj}"
        steps.append((i, name, text, short(op.site) if op.site else "?"))
    blocked = {}
    failure = record.failure
    for t in (failure.details.get("threads") or []) if failure is not None else []:
        if t["thread"] not in threads:
            threads.append(t["thread"])
        what = f"{t['op']} {t['object']}" if t.get("object") else t["op"]
        blocked[t["thread"]] = (f"waits: {what}", t["location"])
    return threads, skipped, steps, blocked


def closing(record):
    """The step that closed the deadlock's cycle, or None."""
    failure = record.failure
    return failure.details.get("closing_step") if failure is not None else None


def timeline_text(record, tail=TAIL):
    """The timeline as text lines (fits a terminal for up to four or five threads)."""
    threads, skipped, steps, blocked = rows(record, tail)
    mark = closing(record)
    cells = [text for _, _, text, _ in steps] + [b[0] for b in blocked.values()]
    width = min(_COL, max([len(t) for t in threads + cells] + [8]))
    index = {t: i for i, t in enumerate(threads)}

    def line(step, cells, note=""):
        return f"{step:>6}  " + "  ".join(_cut(c, width).ljust(width) for c in cells) + note

    out = [line("step", threads).rstrip(), "      " + "-" * ((width + 2) * len(threads))]
    if skipped:
        out.append(f"{'':>6}  ... {skipped} earlier steps")
    for step, name, text, _ in steps:
        cells = [""] * len(threads)
        cells[index[name]] = text
        out.append(line(step, cells, "  " + _MARK if step == mark else "").rstrip())
    if blocked:
        out.append(line("end", [blocked.get(t, ("",))[0] for t in threads]).rstrip())
    return out


def _cut(text, width):
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def timeline_svg(record, tail=TAIL):
    """The timeline as a standalone SVG document (str)."""
    threads, skipped, steps, blocked = rows(record, tail)
    mark = closing(record)
    col, row, left = 230, 22, 56
    body = []
    y = 30
    for i, name in enumerate(threads):
        body.append(_text(left + i * col, y, name, weight="bold"))
    if skipped:
        y += row
        body.append(_text(left, y, f"... {skipped} earlier steps", color="#666"))
    for step, name, text, where in steps:
        y += row
        if step == mark:
            body.append(f'<rect x="0" y="{y - 15}" width="{left + col * len(threads)}" '
                        f'height="{row}" fill="#fde0e0"/>')
            body.append(_text(left + col * len(threads) + 6, y, "closes the cycle",
                              color="#d62728", weight="bold"))
        body.append(_text(6, y, str(step), color="#666"))
        body.append(_text(left + threads.index(name) * col, y, _cut(f"{text} @{where}", 34)))
    if blocked:
        y += row
        body.append(_text(6, y, "end", color="#d62728"))
        for i, name in enumerate(threads):
            if name in blocked:
                what, where = blocked[name]
                body.append(_text(left + i * col, y, _cut(f"{what} @{where}", 34),
                                  color="#d62728"))
    width = left + col * len(threads) + 140
    height = y + 16
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
            f'font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(body) + "\n</svg>\n")


def _text(x, y, text, color="#000", weight="normal"):
    return (f'<text x="{x}" y="{y}" fill="{color}" font-weight="{weight}">'
            f"{escape(text)}</text>")
