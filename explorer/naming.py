"""Display names for the objects operations touch.

A primitive is named after the variable its creation line assigns it to
(``lock_a = Lock()`` -> ``lock_a``; ``self.lock = Lock()`` in class
``Account`` -> ``Account.lock``; ``forks = [Lock() for _ in ...]`` ->
``forks[2]``), else after its creation site (``Lock@bank.py:12``). The name
depends only on the source and on the order of creations at that site, so
the same lock has the same name in every execution and on replay: the
lock-order graph, built across executions, relies on that.

At a deadlock, while the threads' frames are still alive, ambiguous names
(two ``Account.lock``) are refined by looking the objects up from the
variables of the threads' frames (``account_a.lock``); see :func:`refine`.
"""
import ast
import functools
import linecache
import os

from .runtime.sites import short

PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_TREES = {}     # filename -> {line: (assignment statement, enclosing class name)}
_CLASSES = set()  # class names seen while indexing: "Account.lock" may be ambiguous
_INNER = {"Condition": "_lock", "Timer": "finished"}   # primitives built inside others


def object_name(obj):
    """Name an operation's object for traces: primitive, thread or location."""
    if obj is None:
        return None
    name = getattr(obj, "xp_name", None)
    if name is not None:
        return name
    if isinstance(obj, str):
        return obj
    thread_name = getattr(obj, "name", None)
    if isinstance(thread_name, str):
        return thread_name
    return type(obj).__name__


@functools.lru_cache(maxsize=4096)
def static_name(kind, site, ordinal):
    """Name the ``ordinal``-th (1-based) primitive of ``kind`` created at ``site``."""
    found = _assignment(site)
    if found is None:
        return _site_name(kind, site, ordinal)
    stmt, klass = found
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
    calls = [n for n in ast.walk(stmt.value) if isinstance(n, ast.Call)]
    callees = {_callee(c) for c in calls}
    if isinstance(target, (ast.Tuple, ast.List)):
        slots = _unpacked(target, stmt.value, kind)
        if ordinal > len(slots):
            return _site_name(kind, site, ordinal)
        text, ordinal = _text(slots[ordinal - 1], klass), 1
    else:
        text = _text(target, klass)
    if kind not in callees:
        inner = next((_INNER[c] for c in callees if c in _INNER), kind.lower())
        text = f"{text}.{inner}"
    if any(isinstance(n, (ast.ListComp, ast.GeneratorExp, ast.DictComp))
           for n in ast.walk(stmt.value)):
        return f"{text}[{ordinal - 1}]"
    return text if ordinal == 1 else f"{text}#{ordinal}"


def _unpacked(target, value, kind):
    """In ``a, b = Lock(), RLock()``: the targets whose value is a call of ``kind``."""
    if not isinstance(value, (ast.Tuple, ast.List)) or len(value.elts) != len(target.elts):
        return []
    return [t for t, v in zip(target.elts, value.elts)
            if isinstance(v, ast.Call) and _callee(v) == kind]


def _site_name(kind, site, ordinal):
    base = f"{kind}@{short(site)}"
    return base if ordinal == 1 else f"{base}#{ordinal}"


def _callee(call):
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _text(target, klass):
    text = ast.unparse(target)
    if klass and text.startswith("self."):
        text = klass + text[4:]
    return text


def _assignment(site):
    """The assignment statement (and enclosing class) covering ``site``'s line, if any."""
    filename, line = site
    index = _TREES.get(filename)
    if index is None:
        index = _TREES[filename] = _index(filename)
    return index.get(line)


def _index(filename):
    """Map each line of a file to the innermost assignment statement spanning it."""
    if filename.startswith(PKG_DIR):
        return {}
    try:
        tree = ast.parse("".join(linecache.getlines(filename)))
    except (SyntaxError, ValueError):
        return {}
    index = {}

    def visit(node, klass):
        for child in ast.iter_child_nodes(node):
            inner = klass
            if isinstance(child, ast.ClassDef):
                inner = child.name
                _CLASSES.add(inner)
            if isinstance(child, (ast.Assign, ast.AnnAssign)) and child.value is not None:
                for line in range(child.lineno, child.end_lineno + 1):
                    index[line] = (child, klass)
            visit(child, inner)
    visit(tree, None)
    return index


def refine(objects, threads, module_globals=None):
    """Rename ambiguous primitives after the variables that hold them now.

    Only names that are not a plain variable (``Account.lock#2``,
    ``Lock@bank.py:12``) are refined. The best name is the shortest path
    (a variable, then an attribute, then a container item); ties go to the
    first root in a fixed order (module globals, then each thread's frames,
    outermost first, main thread first), so a replay finds the same names.
    """
    wanted = {id(o): o for o in objects if _ambiguous(getattr(o, "xp_name", ""))}
    if not wanted:
        return
    best = {}
    for order, (name, value) in enumerate(_roots(threads, module_globals)):
        for key, path, rank in _search(name, value, wanted, depth=2, rank=()):
            score = (len(rank), rank, order)
            if key not in best or score < best[key][0]:
                best[key] = (score, path)
    for key, (_, path) in best.items():
        wanted[key].xp_rename(path)


def _ambiguous(name):
    return "#" in name or "@" in name or name.split(".", 1)[0] in _CLASSES


def _roots(threads, module_globals):
    if module_globals:
        yield from ((k, v) for k, v in list(module_globals.items()) if not k.startswith("__"))
    for t in threads:
        frames = []
        f = t.glet.gr_frame if t.glet is not None else None
        while f is not None:
            if not f.f_code.co_filename.startswith(PKG_DIR):
                frames.append(f)
            f = f.f_back
        for frame in reversed(frames):
            yield from ((k, v) for k, v in list(frame.f_locals.items()) if k != "self")


def _search(name, value, wanted, depth, rank):
    """Yield ``(id, path, rank)`` for wanted objects reachable from ``value``.

    ``rank`` has one entry per step: 0 for an attribute, 1 for an item.
    """
    if id(value) in wanted:
        yield id(value), name, rank
        return
    if depth == 0 or isinstance(value, (str, bytes, int, float, type)) or callable(value):
        return
    if isinstance(value, (list, tuple, dict)):
        items = enumerate(value[:64]) if not isinstance(value, dict) else (
            (k, v) for k, v in list(value.items())[:64] if isinstance(k, (str, int)))
        for k, inner in items:
            yield from _search(f"{name}[{k!r}]", inner, wanted, depth - 1, rank + (1,))
        return
    attrs = getattr(value, "__dict__", None)
    if isinstance(attrs, dict) and not type(value).__module__.startswith("explorer"):
        for attr, inner in list(attrs.items()):
            if not attr.startswith("__"):
                yield from _search(f"{name}.{attr}", inner, wanted, depth - 1, rank + (0,))


def bounded_repr(value, limit=200):
    """``repr`` that never raises and never floods the terminal."""
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - an unprintable value is still a value
        text = f"<unprintable {type(value).__name__}: {type(exc).__name__}>"
    if len(text) > limit:
        text = text[: limit - 15] + f"...<{len(text)} chars>"
    return text
