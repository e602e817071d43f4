"""The interactive HTML report: one self-contained file, no network.

It shows the exploration's summary, and each failure's interleaving (and
one interleaving per outcome) as a step-through: one column per thread
with its source and the current line highlighted, lock owners and the last
operation on every object at each step, forward/back buttons and arrow
keys. Diagrams (deadlock wait-for graph, state graph) are inlined as SVG
when the render/graph packages can draw them.

The page data is plain JSON built here from the trace; the page's script
only displays it, so what is shown is testable from Python too.
"""
import html
import json
import linecache
import os
import tempfile

from ..graph import stategraph
from ..naming import bounded_repr, object_name
from ..report import replay_command
from ..runtime.ops import ACQUIRE, RELEASE
from ..runtime.sites import short
from . import deadlock, dot, tools

_LOCK_TYPES = {"Lock", "RLock"}
_DIAGRAMS = {"deadlock": deadlock.deadlock_dot, "lock-order-inversion": dot.lock_order_dot}
_THREAD_OPS = {"begin", "start", "join", "exit"}   # shown by the thread columns instead
_MAX_LINES = 3000


def write_report(result, path):
    """Write the report for ``result`` to ``path`` atomically (temp file + rename)."""
    text = report_html(result)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".explorer-report-", suffix=".html", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; a report is for sharing
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def report_html(result):
    """Return the report page for a :class:`~explorer.result.Result` as text."""
    data = report_data(result)
    payload = json.dumps(data).replace("</", "<\\/")
    title = html.escape(f"explorer: {result.target}")
    return (_PAGE.replace("__TITLE__", title).replace("__CSS__", _CSS)
            .replace("__DATA__", payload).replace("__JS__", _JS))


def report_data(result):
    """The page's data: summary, walkthroughs (failures first), source files, diagrams."""
    files = _Files()
    walks = []
    for record in result.failure_records:
        f = record.failure
        walks.append(walk_data(record, files, f.kind, f.message, result.target, failed=True))
    for count, record in (entry for _, entry in sorted(result.outcomes.items())):
        value = bounded_repr(record.outcome)
        walks.append(walk_data(record, files, f"outcome {value}",
                               f"returned {value} in {count} of {result.executions} executions",
                               result.target))
    summary = result.to_json()
    for key in ("failures", "outcomes"):
        summary.pop(key, None)
    return {"summary": summary, "walks": walks, "files": files.table,
            "outcomes": [{"value": bounded_repr(r.outcome), "count": c}
                         for _, (c, r) in sorted(result.outcomes.items())],
            "graph_svg": _state_graph_svg(result)}


def walk_data(record, files, title, message, target_spec, failed=False):
    """One interleaving as steps with per-step thread positions, lock owners and objects.

    ``failed``: show the record's failure (a returned execution may carry one,
    e.g. a lost update; as an outcome's example it is shown as an outcome).
    """
    threads, steps = [], []
    owners, objects, where = {}, {}, {}
    for i, (name, op) in enumerate(record.trace):
        if name not in threads:
            threads.append(name)
        obj = object_name(op.obj)
        _track(owners, objects, name, op, obj, i)
        site = where[name] = op.site if _known(op.site) else where.get(name, op.site)
        steps.append({"thread": threads.index(name), "op": op.kind, "object": obj,
                      "loc": _loc(op.site), "file": files.add(site), "line": site[1],
                      "locks": dict(owners), "objects": dict(objects)})
    failure = record.failure if failed else None
    return {"title": title, "kind": failure.kind if failure else "outcome", "message": message,
            "path": [str(n) for n in getattr(record, "path", ())],
            "schedule": record.schedule, "replay": replay_command(target_spec, record.schedule),
            "threads": threads, "steps": steps,
            "blocked": _blocked(failure, threads, files) if failure else [],
            "svg": diagram_svg(record) if failure else None}


def _track(owners, objects, thread, op, obj, step):
    """Update lock owners and the last operation per object after ``op`` ran."""
    if obj is None or op.kind in _THREAD_OPS:
        return
    if type(op.obj).__name__ in _LOCK_TYPES:
        modes = [mode for _, mode in op.accesses]
        if op.kind == "acquire" and any(m & ACQUIRE for m in modes) and owners.get(obj) is None:
            owners[obj] = thread   # a blocking acquire, or a try that found the lock free
        elif op.kind == "release" and any(m & RELEASE for m in modes):
            owners[obj] = None
        else:
            owners.setdefault(obj, None)
        return
    text = f"{op.kind} by {thread} (step {step})"
    if op.detail is not None:
        text += f": {bounded_repr(op.detail, 80)}"
    objects[obj] = text


def _blocked(failure, threads, files):
    """For a deadlock: what each blocked thread waits on, from the wait-for graph."""
    graph = failure.details.get("graph")
    if graph is None:
        return []
    rows = []
    for u, v, data in graph.edges(data=True):
        if data.get("rel") not in ("waits for", "joins") or u not in threads:
            continue
        filename, _, line = str(data.get("location", "")).rpartition(":")
        owner = [w for _, w, d in graph.out_edges(v, data=True) if d.get("rel") == "held by"]
        text = f"{'joins' if data['rel'] == 'joins' else 'waits for'} {v}"
        text += f" (held by {owner[0]})" if owner else ""
        rows.append({"thread": threads.index(u), "text": text, "loc": data.get("location"),
                     "file": files.find(filename),
                     "line": int(line) if line.isdigit() else 0})
    return rows


def _loc(site):
    return short(site) if site else "?"


def _known(site):
    """A site in a real file (a thread's exit has none: show where it was last)."""
    return bool(site) and os.path.isfile(site[0])


class _Files:
    """Source files shown in the columns, read once and numbered."""

    def __init__(self):
        self.table = []         # [{"name", "lines"}]
        self.ids = {}           # path -> index (None when unreadable)

    def add(self, site):
        if not site or site[0] in self.ids:
            return self.ids.get(site[0]) if site else None
        path = site[0]
        lines = linecache.getlines(path) if os.path.isfile(path) else []
        if not lines:
            self.ids[path] = None
            return None
        self.ids[path] = len(self.table)
        self.table.append({"name": os.path.basename(path), "path": path,
                           "lines": [line.rstrip("\n") for line in lines[:_MAX_LINES]]})
        return self.ids[path]

    def find(self, basename):
        for i, entry in enumerate(self.table):
            if entry["name"] == basename:
                return i
        return None


def diagram_svg(record):
    """The failure's diagram (deadlock wait-for graph, lock-order cycle) as SVG, or None."""
    failure = record.failure
    if failure is None or failure.kind not in _DIAGRAMS:
        return None
    return _render(_DIAGRAMS[failure.kind](record))


def _state_graph_svg(result):
    """The state graph as SVG when it is small enough to read (else None)."""
    graph = getattr(result, "graph", None)
    if graph is None or not 0 < len(graph) <= stategraph.READABLE_NODES:
        return None
    return _render(stategraph.to_dot(graph.to_networkx()))


def _render(source):
    try:
        return _svg_text(tools.render(source, "svg").decode("utf-8"))
    except tools.NoRenderer:
        return None      # no Graphviz: the report goes without the picture


def _svg_text(svg):
    if not isinstance(svg, str) or "<svg" not in svg:
        return None
    return svg[svg.index("<svg"):]


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title><style>__CSS__</style></head>
<body>
<header><h1>__TITLE__</h1><div id="summary"></div></header>
<main>
<section id="outcomes-box"><h2>Outcomes</h2><table id="outcomes"></table></section>
<section><h2>Interleavings</h2><div id="walk-tabs" role="tablist"></div>
<div id="walk">
  <p id="walk-message"></p>
  <p class="replay">replay: <code id="walk-replay"></code></p>
  <div class="controls">
    <button id="first" title="first step (Home)">|&#x25C0;</button>
    <button id="prev" title="previous step (&#x2190;)">&#x25C0; back</button>
    <span id="step-label"></span>
    <button id="next" title="next step (&#x2192;)">forward &#x25B6;</button>
    <button id="last" title="last step (End)">&#x25B6;|</button>
    <input id="slider" type="range" min="0" value="0" aria-label="step">
  </div>
  <p id="step-text"></p>
  <div id="columns"></div>
  <div class="state"><div><h3>Locks</h3><table id="locks"></table></div>
    <div><h3>Objects (last operation)</h3><table id="objects"></table></div></div>
  <div id="diagram"></div>
  <h3>Trace</h3><table id="trace"></table>
</div></section>
<section id="graph-box" hidden><h2>State graph</h2>
<p>The selected interleaving's path is drawn in blue.</p><div id="graph"></div></section>
</main>
<script type="application/json" id="data">__DATA__</script>
<script>__JS__</script>
</body></html>
"""

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#23314a;color:#fff;padding:12px 20px}h1{font-size:18px;margin:0 0 4px}
main{padding:8px 20px}h2{font-size:16px;margin:16px 0 8px}h3{font-size:14px;margin:10px 0 4px}
table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}
code,pre,.src{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
#walk-tabs button{margin:0 4px 4px 0;padding:4px 10px;border:1px solid #99a;background:#fff;
  border-radius:4px;cursor:pointer}
#walk-tabs button.active{background:#23314a;color:#fff}
#walk-tabs button.failure{border-color:#c0392b}
.controls{display:flex;gap:8px;align-items:center;margin:8px 0}
.controls button{padding:4px 10px;cursor:pointer}#slider{flex:1;max-width:400px}
#step-text{font-weight:600;min-height:1.4em}#walk-message{color:#a02020;white-space:pre-wrap}
#columns{display:flex;gap:8px;overflow-x:auto}
.thread-col{flex:1;min-width:240px;border:1px solid #ccd;border-radius:4px;background:#fff}
.thread-col h4{margin:0;padding:4px 8px;background:#e8ecf4;font-size:13px}
.thread-col.active h4{background:#2e7d32;color:#fff}
.thread-col .status{padding:2px 8px;font-size:12px;color:#555;min-height:1.3em}
.src{margin:0;padding:4px 0;white-space:pre;overflow-x:auto}
.src div{padding:0 8px}.src .no{color:#999;display:inline-block;width:3em}
.src .current{background:#fff3a0}.active .src .current{background:#9be39f;font-weight:600}
.src .blocked{background:#f7b2a8}
.state{display:flex;gap:32px}#diagram svg,#graph svg{max-width:100%;height:auto}
#trace tr{cursor:pointer}#trace tr.current{background:#fff3a0}
#graph .on-path polygon,#graph .on-path path,#graph .on-path ellipse{stroke:#1565c0;stroke-width:3}
#graph .on-path text{font-weight:bold}
"""

_JS = r"""
const D = JSON.parse(document.getElementById('data').textContent);
const $ = id => document.getElementById(id);
const esc = s => String(s == null ? '' : s).replace(/[&<>"]/g,
  c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
let walk = null, step = 0;
const S = D.summary;
$('summary').textContent = `${S.strategy}: ${S.executions} executions, ${S.steps} steps, ` +
  `${S.states} states, ${S.complete ? 'complete' : 'INCOMPLETE'}, ` +
  `${D.walks.filter(w => w.kind !== 'outcome').length} failure(s), ${S.elapsed_s} s`;
$('outcomes').innerHTML = D.outcomes.length ? '<tr><th>value</th><th>count</th></tr>' +
  D.outcomes.map(o => `<tr><td><code>${esc(o.value)}</code></td><td>${o.count}</td></tr>`).join('')
  : '<tr><td>no execution returned</td></tr>';
if (D.graph_svg) { $('graph-box').hidden = false; $('graph').innerHTML = D.graph_svg; }
$('walk-tabs').innerHTML = D.walks.map((w, i) =>
  `<button data-walk="${i}" class="${w.kind === 'outcome' ? '' : 'failure'}">${esc(w.title)}</button>`
).join('');
document.querySelectorAll('#walk-tabs button').forEach(
  b => b.addEventListener('click', () => select(+b.dataset.walk)));

function select(i) {
  walk = D.walks[i];
  document.querySelectorAll('#walk-tabs button').forEach(
    b => b.classList.toggle('active', +b.dataset.walk === i));
  $('walk-message').textContent = walk.message;
  $('walk-replay').textContent = walk.replay;
  $('slider').max = walk.steps.length - 1;
  $('diagram').innerHTML = walk.svg || '';
  highlightPath(walk.path);
  $('trace').innerHTML = '<tr><th>step</th><th>thread</th><th>op</th><th>object</th><th>location</th></tr>' +
    walk.steps.map((s, k) => `<tr data-step="${k}"><td>${k}</td><td>${esc(walk.threads[s.thread])}</td>` +
      `<td>${esc(s.op)}</td><td>${esc(s.object)}</td><td>${esc(s.loc)}</td></tr>`).join('');
  document.querySelectorAll('#trace tr[data-step]').forEach(
    r => r.addEventListener('click', () => show(+r.dataset.step)));
  show(walk.steps.length - 1);
}

function highlightPath(path) {
  const nodes = new Set(path), edges = new Set(path.slice(1).map((v, i) => `${path[i]}->${v}`));
  document.querySelectorAll('#graph g.node, #graph g.edge').forEach(g => {
    const t = g.querySelector('title'), name = t ? t.textContent : '';
    g.classList.toggle('on-path', g.classList.contains('node') ? nodes.has(name) : edges.has(name));
  });
}

function positions(k) {
  const pos = walk.threads.map(() => null);
  for (let j = 0; j <= k; j++) pos[walk.steps[j].thread] = walk.steps[j];
  return pos;
}

function source(fileId, line, cls) {
  const f = D.files[fileId];
  if (!f) return '<div class="src"><div>(source not available)</div></div>';
  const lo = Math.max(1, line - 6), hi = Math.min(f.lines.length, line + 6);
  let out = `<div class="src" title="${esc(f.path)}">`;
  for (let n = lo; n <= hi; n++)
    out += `<div class="${n === line ? cls : ''}" data-line="${n}"><span class="no">${n}</span>` +
      `${esc(f.lines[n - 1])}</div>`;
  return out + '</div>';
}

function show(k) {
  step = Math.max(0, Math.min(k, walk.steps.length - 1));
  const s = walk.steps[step], pos = positions(step), last = step === walk.steps.length - 1;
  $('step-label').textContent = `step ${step + 1} of ${walk.steps.length}`;
  $('slider').value = step;
  $('step-text').textContent = `${walk.threads[s.thread]}: ${s.op}` +
    (s.object ? ` ${s.object}` : '') + ` at ${s.loc}`;
  $('columns').innerHTML = walk.threads.map((name, t) => {
    const p = pos[t], blocked = last ? walk.blocked.find(b => b.thread === t) : null;
    const started = walk.steps.slice(0, step + 1).some(x => x.op === 'start' && x.object === name);
    let status = p ? `${p.op}${p.object ? ' ' + p.object : ''} (${p.loc})`
      : (started ? 'started, not yet run' : 'not started');
    if (p && p.op === 'exit') status = 'finished';
    let body = p ? source(p.file, p.line, 'current') : '';
    if (blocked) { status = `blocked: ${blocked.text} at ${blocked.loc}`;
      body = source(blocked.file, blocked.line, 'blocked'); }
    return `<div class="thread-col${t === s.thread ? ' active' : ''}" data-thread="${esc(name)}">` +
      `<h4>${esc(name)}</h4><div class="status">${esc(status)}</div>${body}</div>`;
  }).join('');
  const locks = Object.entries(s.locks);
  $('locks').innerHTML = locks.length ? locks.map(([l, o]) =>
    `<tr><td>${esc(l)}</td><td>${o ? 'held by ' + esc(o) : 'free'}</td></tr>`).join('')
    : '<tr><td>no locks yet</td></tr>';
  const objs = Object.entries(s.objects);
  $('objects').innerHTML = objs.length ? objs.map(([o, v]) =>
    `<tr><td>${esc(o)}</td><td>${esc(v)}</td></tr>`).join('') : '<tr><td>none yet</td></tr>';
  document.querySelectorAll('#trace tr[data-step]').forEach(
    r => r.classList.toggle('current', +r.dataset.step === step));
}

$('prev').onclick = () => show(step - 1);
$('next').onclick = () => show(step + 1);
$('first').onclick = () => show(0);
$('last').onclick = () => show(walk.steps.length - 1);
$('slider').oninput = e => show(+e.target.value);
document.addEventListener('keydown', e => {
  if (!walk || e.target.tagName === 'INPUT') return;
  const move = {ArrowRight: 1, ArrowLeft: -1}[e.key];
  if (move) { show(step + move); e.preventDefault(); }
  if (e.key === 'Home') show(0);
  if (e.key === 'End') show(walk.steps.length - 1);
});
if (D.walks.length) select(0); else $('walk').hidden = true;
"""
