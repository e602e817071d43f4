"""Targets: resolve ``file.py``, ``file.py::func`` or ``pkg.module:func``.

Every execution runs the target's module afresh (its top-level code again,
from bytecode compiled once), so module state never leaks from one
execution into the next and a replay sees what exploration saw.
"""
import importlib.util
import os
import sys
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
