"""Scopes for the rewrite: which names are tracked module globals, and name mangling.

The compiler's own answer is :mod:`symtable`; the AST is only used to see
how the module binds its globals (by ``import`` or otherwise).
"""
import ast


def module_names(tree, top):
    """``(data, modules)``: globals worth tracking, and names bound only by ``import``.

    Only globals some function rebinds (``global x`` and an assignment) are
    tracked: any other global is written only by the module's top-level
    code, at import, before a thread exists, so reading it races with
    nothing and a yield point there would only multiply interleavings.
    """
    other, modules = set(), set()
    _bindings(tree.body, other, modules)
    data = set()
    _declared_globals(top, data)
    return data, modules - other - data


def _bindings(body, other, modules):
    """Collect names bound by plain ``import`` (``modules``) and by anything else (``other``)."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            other.add(stmt.name)
        elif isinstance(stmt, ast.Import):
            modules.update(alias.asname or alias.name.split(".")[0] for alias in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            other.update(alias.asname or alias.name for alias in stmt.names)
        else:
            _stores(stmt, other)
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                _bindings(getattr(stmt, field, ()), other, modules)


def _stores(node, out):
    """Names a module-level statement binds (not looking into nested scopes)."""
    for sub in ast.iter_child_nodes(node):
        if isinstance(sub, (ast.Lambda, ast.stmt)):   # nested scopes and statements
            continue
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            out.add(sub.id)
        _stores(sub, out)


def _declared_globals(table, out):
    """Names some function declares ``global`` and assigns (mangled, as the tables hold them)."""
    for sub in table.get_children():
        if sub.get_type() == "function":
            out.update(s.get_name() for s in sub.get_symbols()
                       if s.is_declared_global() and s.is_assigned())
        _declared_globals(sub, out)


class Scope:
    """Where the rewriter is: the symbol table (None if unmatched), whether the
    code here runs after import (a function body), and the class whose name
    mangles private names."""

    __slots__ = ("table", "instrumented", "class_name")

    def __init__(self, table, instrumented, class_name):
        self.table = table
        self.instrumented = instrumented
        self.class_name = class_name


def child(scope, names, lineno):
    """The symbol table of a nested scope, or None when it is not unambiguous."""
    if scope.table is None:
        return None
    found = [c for c in scope.table.get_children()
             if c.get_name() in names and c.get_lineno() == lineno]
    return found[0] if len(found) == 1 else None


def mangle(name, class_name):
    """``__x`` in class ``C`` is ``_C__x``, as the compiler spells it."""
    if class_name is None or not name.startswith("__") or name.endswith("__"):
        return name
    stripped = class_name.lstrip("_")
    return f"_{stripped}{name}" if stripped else name
