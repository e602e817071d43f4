"""Targets: resolve ``file.py``, ``file.py::func`` or ``pkg.module:func``.

Every execution runs the target's module afresh (its top-level code again,
from bytecode compiled once), so module state never leaks from one
execution into the next and a replay sees what exploration saw.
"""
import ast
import importlib.util
import inspect
import os
import sys
import textwrap
import types

from .errors import BadTarget


class Target:
    """A loadable target: source compiled once, module executed per run.

    Attributes:
        spec: the text the user gave.
        identity: ``file.py::func``, the part schedules are fingerprinted with.
    """

    def __init__(self, spec, compiler=None):
        self.spec = spec
        self.path, self.module_name, self.func = _parse(spec)
        self.identity = f"{os.path.basename(self.path)}::{self.func}"
        try:
            with open(self.path, encoding="utf-8") as fh:
                self.source = fh.read()
        except OSError as exc:
            raise BadTarget(f"cannot read target {self.path}: {exc.strerror}") from None
        compile_fn = compiler or _plain_compile
        try:
            self.code = compile_fn(self.source, self.path)
        except SyntaxError as exc:
            raise BadTarget(f"target {self.path} has a syntax error at line {exc.lineno}: "
                            f"{exc.msg}") from None
        self.directory = os.path.dirname(self.path)

    def load(self):
        """Execute the module afresh and return the target function."""
        module = types.ModuleType(self.module_name)
        module.__file__ = self.path
        module.__builtins__ = __builtins__
        sys.modules[self.module_name] = module
        exec(self.code, module.__dict__)
        fn = module.__dict__.get(self.func)
        if not callable(fn):
            raise BadTarget(f"{self.path} has no function {self.func!r}")
        return fn

    def check(self):
        """Load once outside exploration, turning import errors into one-line BadTarget."""
        saved_path = list(sys.path)
        if self.directory not in sys.path:
            sys.path.insert(0, self.directory)
        try:
            self.load()
        except BadTarget:
            raise
        except BaseException as exc:  # noqa: BLE001 - any import-time error is bad input
            raise BadTarget(f"importing {self.path} raised {type(exc).__name__}: {exc}") from None
        finally:
            sys.path[:] = saved_path
            sys.modules.pop(self.module_name, None)


def _plain_compile(source, path):
    return compile(source, path, "exec", dont_inherit=True)


def _parse(spec):
    if not isinstance(spec, str) or not spec.strip():
        raise BadTarget("no target given")
    if "::" in spec:
        path, func = spec.rsplit("::", 1)
    elif spec.endswith(".py") or os.sep in spec:
        path, func = spec, "main"
    elif ":" in spec:
        modname, func = spec.split(":", 1)
        path = _module_file(modname)
    else:
        path, func = _module_file(spec), "main"
    if not func.isidentifier():
        raise BadTarget(f"{func!r} is not a function name")
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise BadTarget(f"no such file: {path}")
    name = "xp_target_" + os.path.splitext(os.path.basename(path))[0]
    return path, name, func


def _module_file(modname):
    try:
        spec = importlib.util.find_spec(modname)
    except (ImportError, ValueError) as exc:
        raise BadTarget(f"cannot find module {modname!r}: {exc}") from None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise BadTarget(f"cannot find a Python source file for module {modname!r}")
    return spec.origin


class FunctionTarget:
    """A callable explored directly: the function itself runs again each execution.

    Used by the pytest plugin and ``explorer.explore(func)``. Unlike a file
    target, the function's module is NOT re-executed, so module-level state
    of that module is not reset between executions; ``kwargs`` (e.g. pytest
    fixture values) are the same objects in every execution. Names in the
    function's globals bound to stdlib primitives (``from threading import
    Lock``) are rebound to the explorer's while exploring (see :meth:`rebound`).
    """

    directory = None

    def __init__(self, func, args=(), kwargs=None, compiler=None):
        if not callable(func):
            raise BadTarget(f"{func!r} is not callable")
        self.func = _recompiled(func, compiler) if compiler else func
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})
        code = getattr(func, "__code__", None)
        self.path = code.co_filename if code else "?"
        name = getattr(func, "__qualname__", None) or type(func).__name__
        self.spec = f"{os.path.basename(self.path)}::{name}"
        self.identity = self.spec

    def load(self):
        return lambda: self.func(*self.args, **self.kwargs)

    def check(self):
        """Nothing to import: the callable exists already."""

    def rebound(self, originals, replacements):
        """Context manager: swap ``originals`` for ``replacements`` in the function's globals."""
        return _Rebound(getattr(self.func, "__globals__", {}), originals, replacements)


def _recompiled(func, compiler):
    """``func``'s own source compiled with ``compiler`` (e.g. memory yield points).

    Only the function is recompiled (decorators dropped, line numbers kept).
    The result runs in the function's real module globals: the compiled
    code is executed there under a temporary name (which also runs the
    compiler's prologue, e.g. binding its hooks), so the module itself is
    not re-run. A function with a closure or without source is returned as is.
    """
    code = getattr(func, "__code__", None)
    if code is None or code.co_freevars or code.co_name == "<lambda>":
        return func
    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        return func
    text = textwrap.dedent("".join(lines))
    node = ast.parse(text).body[0]
    body = "".join(text.splitlines(True)[node.lineno - 1:])
    temp = f"__xp_recompiled_{code.co_name}__"
    body = body.replace(f"def {code.co_name}", f"def {temp}", 1)
    module = compiler("\n" * (first + node.lineno - 2) + body, code.co_filename)
    namespace = func.__globals__
    exec(module, namespace)
    new = namespace.pop(temp)
    new.__code__ = new.__code__.replace(co_name=code.co_name)
    new.__name__, new.__qualname__ = func.__name__, func.__qualname__
    new.__defaults__, new.__kwdefaults__ = func.__defaults__, func.__kwdefaults__
    return new


class _Rebound:
    def __init__(self, namespace, originals, replacements):
        self.namespace = namespace
        self.swap = {id(o): r for o, r in zip(originals, replacements)}
        self.saved = {}

    def __enter__(self):
        for name, value in list(self.namespace.items()):
            new = self.swap.get(id(value))
            if new is not None and new is not value:
                self.saved[name] = (value, new)
                self.namespace[name] = new
        return self

    def __exit__(self, *exc):
        for name, (old, new) in self.saved.items():
            if self.namespace.get(name) is new:
                self.namespace[name] = old
