"""Rewrite the target's syntax tree so every shared-memory access calls a hook.

As pytest rewrites ``assert``: parse, transform, compile, at import. Only
code inside functions and lambdas is rewritten (module and class bodies run
once, at import, before any thread exists); async functions are left alone.

* loads become calls: ``obj.attr`` -> ``__xp_getattr__(obj, "attr")``,
  ``a[i]`` -> ``__xp_getitem__(a, i, "a")``, a module global ``counter`` ->
  ``__xp_gload__("counter")``, ``k in d`` -> ``__xp_in__(k, d, "d")``, and
  ``d.setdefault(...)`` -> ``__xp_call__(d, "setdefault", "d")(...)``;
* a single plain store becomes one call whose arguments keep Python's order
  (the value first): ``obj.attr = v`` -> ``__xp_setattr__(v, obj, "attr")``;
* every other target (augmented, unpacking, chained, ``for``, ``with``,
  ``del``) keeps its statement and goes through a proxy, so evaluation order
  and single evaluation are Python's own: ``a[i] += 1`` ->
  ``__xp_S__(a, "a")[i] += 1``, ``counter += 1`` -> ``__xp_G__.counter += 1``.

Which names are module globals comes from :mod:`symtable` (the compiler's
own scoping); where a scope cannot be matched to its table, its names are
left alone. Private names are mangled here as the compiler would have.
New nodes take the location of the node they replace, so operation sites
are the user's lines.
"""
import ast
import contextlib
import symtable
import sys

from ..errors import BadTarget
from .hooks import METHOD_NAMES, READER_NAMES
from .scopes import Scope, child, mangle, module_names

_COMPREHENSIONS = {ast.ListComp: "listcomp", ast.SetComp: "setcomp",
                   ast.DictComp: "dictcomp", ast.GeneratorExp: "genexpr"}
_NEVER = frozenset({"super", "__class__"})   # zero-argument super() needs them verbatim
_LABEL_LIMIT = 40
_RECURSION = 6000


def rewrite(source, path):
    """Return the rewritten module AST of ``source`` (raises SyntaxError like ``compile``)."""
    tree = ast.parse(source, path)
    top = symtable.symtable(source, path, "exec")
    data, modules = module_names(tree, top)
    tree = _Rewriter(top, data, modules).visit(tree)
    _insert_prologue(tree)
    return ast.fix_missing_locations(tree)


def compile_memory(source, path):
    """A ``Target`` compiler: the module with memory-level yield points."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION))   # a few frames per level of nesting
    try:
        return compile(rewrite(source, path), path, "exec", dont_inherit=True)
    except RecursionError:
        raise BadTarget(f"{path} nests expressions too deeply to instrument; explore it with "
                        "--granularity sync") from None
    finally:
        sys.setrecursionlimit(limit)


def _insert_prologue(tree):
    """``from explorer.instrument.hooks import bind; bind(globals())``, after docstring and futures."""
    at = 0
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        at = 1
    while at < len(body) and isinstance(body[at], ast.ImportFrom) \
            and body[at].module == "__future__":
        at += 1
    prologue = ast.parse("from explorer.instrument.hooks import bind as __xp_bind__\n"
                         "__xp_bind__(globals())\n").body
    for node in prologue:
        for sub in ast.walk(node):
            sub.lineno = sub.end_lineno = 1
            sub.col_offset = sub.end_col_offset = 0
    body[at:at] = prologue


def _label(node):
    text = ast.unparse(node)
    return text if len(text) <= _LABEL_LIMIT else text[:_LABEL_LIMIT - 3] + "..."


def _call(name, args, like):
    call = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    return ast.copy_location(call, like)


def _const(value, like):
    return ast.copy_location(ast.Constant(value), like)


# -- the transformer -------------------------------------------------------------
class _Rewriter(ast.NodeTransformer):
    """Rewrite loads in place and stores per statement; see the module docstring."""

    def __init__(self, top, data, modules):
        self.scope = Scope(top, False, None)
        self.data = data
        self.modules = modules

    @contextlib.contextmanager
    def _entered(self, table, instrumented, class_name):
        outer, self.scope = self.scope, Scope(table, instrumented, class_name)
        try:
            yield
        finally:
            self.scope = outer

    def _visit_list(self, nodes):
        return [self.visit(n) for n in nodes]

    # names -------------------------------------------------------------------
    def _is_global(self, name):
        table = self.scope.table
        if table is None or name in _NEVER:
            return False
        try:
            return table.lookup(name).is_global()
        except KeyError:
            return False

    def _global_data(self, name):
        """The mangled name if ``name`` is a tracked module global here, else None."""
        if not self.scope.instrumented:
            return None
        mangled = mangle(name, self.scope.class_name)
        return mangled if mangled in self.data and self._is_global(mangled) else None

    def _is_module(self, node):
        return (isinstance(node, ast.Name) and node.id in self.modules
                and self._is_global(node.id))

    # scopes ------------------------------------------------------------------
    def _visit_arguments(self, args):
        args.defaults = self._visit_list(args.defaults)
        args.kw_defaults = [d if d is None else self.visit(d) for d in args.kw_defaults]

    def visit_FunctionDef(self, node):
        node.decorator_list = self._visit_list(node.decorator_list)
        self._visit_arguments(node.args)
        table = child(self.scope, {node.name}, node.lineno)
        with self._entered(table, True, self.scope.class_name):
            node.body = self._visit_list(node.body)
        return node

    def visit_AsyncFunctionDef(self, node):
        return node   # async code is left alone

    def visit_Lambda(self, node):
        self._visit_arguments(node.args)
        table = child(self.scope, {"lambda", "<lambda>"}, node.lineno)
        with self._entered(table, True, self.scope.class_name):
            node.body = self.visit(node.body)
        return node

    def visit_ClassDef(self, node):
        node.decorator_list = self._visit_list(node.decorator_list)
        node.bases = self._visit_list(node.bases)
        node.keywords = self._visit_list(node.keywords)
        table = child(self.scope, {node.name}, node.lineno)
        with self._entered(table, False, node.name):
            node.body = self._visit_list(node.body)
        return node

    def _comprehension(self, node, fields):
        first = node.generators[0]
        first.iter = self.visit(first.iter)   # evaluated in the enclosing scope
        name = _COMPREHENSIONS[type(node)]
        table = child(self.scope, {name, f"<{name}>"}, node.lineno)
        with self._entered(table, self.scope.instrumented, self.scope.class_name):
            for i, gen in enumerate(node.generators):
                gen.target = self._target(gen.target)
                if i:
                    gen.iter = self.visit(gen.iter)
                gen.ifs = self._visit_list(gen.ifs)
            for field in fields:
                setattr(node, field, self.visit(getattr(node, field)))
        return node

    def visit_ListComp(self, node):
        return self._comprehension(node, ("elt",))

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        return self._comprehension(node, ("key", "value"))

    def visit_match_case(self, node):
        if node.guard is not None:   # patterns are not expressions: keep them
            node.guard = self.visit(node.guard)
        node.body = self._visit_list(node.body)
        return node

    # loads ---------------------------------------------------------------------
    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            name = self._global_data(node.id)
            if name is not None:
                return _call("__xp_gload__", [_const(name, node)], node)
        return node

    def visit_Attribute(self, node):
        if not (self.scope.instrumented and isinstance(node.ctx, ast.Load)):
            return self.generic_visit(node)
        if self._is_module(node.value):
            return node
        attr = mangle(node.attr, self.scope.class_name)
        return _call("__xp_getattr__", [self.visit(node.value), _const(attr, node)], node)

    def visit_Subscript(self, node):
        if not (self.scope.instrumented and isinstance(node.ctx, ast.Load)):
            return self.generic_visit(node)
        label = _const(_label(node.value), node)   # the source text, before rewriting it
        return _call("__xp_getitem__", [self.visit(node.value), self._key(node.slice), label],
                     node)

    def _key(self, node):
        """A subscript as an expression: ``a[1:2]`` passes ``slice(1, 2, None)``."""
        if isinstance(node, ast.Slice):
            parts = [self.visit(p) if p is not None else _const(None, node)
                     for p in (node.lower, node.upper, node.step)]
            return _call("__xp_slice__", parts, node)
        if isinstance(node, ast.Tuple) and any(isinstance(e, ast.Slice) for e in node.elts):
            return ast.copy_location(ast.Tuple([self._key(e) for e in node.elts], ast.Load()), node)
        return self.visit(node)

    def visit_Call(self, node):
        func = node.func
        if self.scope.instrumented and isinstance(func, ast.Attribute) \
                and not self._is_module(func.value):
            if func.attr in METHOD_NAMES:
                label = _const(_label(func.value), func)
                node.func = _call("__xp_call__", [self.visit(func.value), _const(func.attr, func),
                                                  label], func)
            else:   # a method call: the method itself is code, not shared data
                func.value = self.visit(func.value)
            node.args = self._visit_list(node.args)
            node.keywords = self._visit_list(node.keywords)
            return node
        if self.scope.instrumented and isinstance(func, ast.Name) and func.id in READER_NAMES \
                and len(node.args) >= 1 and not isinstance(node.args[0], ast.Starred):
            node = self.generic_visit(node)
            first = node.args[0]
            node.args[0] = _call("__xp_whole__", [first, _const(_label(first), first),
                                                  ast.copy_location(ast.Name(func.id, ast.Load()),
                                                                    func)], first)
            return node
        return self.generic_visit(node)

    def visit_Compare(self, node):
        if self.scope.instrumented and len(node.ops) == 1 \
                and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            hook = "__xp_in__" if isinstance(node.ops[0], ast.In) else "__xp_notin__"
            right = node.comparators[0]
            label = _const(_label(right), right)
            return _call(hook, [self.visit(node.left), self.visit(right), label], node)
        return self.generic_visit(node)

    # stores ------------------------------------------------------------------
    def _target(self, node):
        """Route a store/delete target through the hooks, keeping the statement."""
        if isinstance(node, ast.Name):
            if self._global_data(node.id) is None:
                return node
            proxy = ast.copy_location(ast.Name("__xp_G__", ast.Load()), node)
            return ast.copy_location(ast.Attribute(proxy, node.id, node.ctx), node)
        if isinstance(node, (ast.Tuple, ast.List)):
            node.elts = [self._target(e) for e in node.elts]
            return node
        if isinstance(node, ast.Starred):
            node.value = self._target(node.value)
            return node
        if not self.scope.instrumented:
            return self.visit(node)
        if isinstance(node, ast.Attribute) and not self._is_module(node.value):
            proxy = _call("__xp_A__", [self.visit(node.value)], node)
            return ast.copy_location(ast.Attribute(proxy, node.attr, node.ctx), node)
        if isinstance(node, ast.Subscript):
            label = _const(_label(node.value), node)
            proxy = _call("__xp_S__", [self.visit(node.value), label], node)
            return ast.copy_location(ast.Subscript(proxy, self.visit(node.slice), node.ctx), node)
        return self.visit(node)

    def _plain_store(self, target, value):
        """One hook call for ``target = value``, or None when the target needs a proxy."""
        if isinstance(target, ast.Name):
            name = self._global_data(target.id)
            return None if name is None else _call(
                "__xp_gstore__", [_const(name, target), value], target)
        if not self.scope.instrumented:
            return None
        if isinstance(target, ast.Attribute) and not self._is_module(target.value):
            attr = mangle(target.attr, self.scope.class_name)
            return _call("__xp_setattr__", [value, self.visit(target.value),
                                            _const(attr, target)], target)
        if isinstance(target, ast.Subscript):
            label = _const(_label(target.value), target)
            return _call("__xp_setitem__", [value, self.visit(target.value),
                                            self._key(target.slice), label], target)
        return None

    def visit_Assign(self, node):
        node.value = self.visit(node.value)
        if len(node.targets) == 1:
            call = self._plain_store(node.targets[0], node.value)
            if call is not None:
                return ast.copy_location(ast.Expr(call), node)
        node.targets = [self._target(t) for t in node.targets]
        return node

    def visit_AugAssign(self, node):
        node.value = self.visit(node.value)
        node.target = self._target(node.target)
        return node

    def visit_AnnAssign(self, node):
        if node.value is not None:
            node.value = self.visit(node.value)
            if not isinstance(node.target, ast.Name):
                node.target = self._target(node.target)
        return node

    def visit_Delete(self, node):
        node.targets = [self._target(t) for t in node.targets]
        return node

    def visit_For(self, node):
        node.target = self._target(node.target)
        node.iter = self.visit(node.iter)
        node.body = self._visit_list(node.body)
        node.orelse = self._visit_list(node.orelse)
        return node

    def visit_withitem(self, node):
        node.context_expr = self.visit(node.context_expr)
        if node.optional_vars is not None:
            node.optional_vars = self._target(node.optional_vars)
        return node

    def visit_NamedExpr(self, node):
        node.value = self.visit(node.value)
        name = self._global_data(node.target.id)
        if name is None:
            return node
        return _call("__xp_gset__", [_const(name, node.target), node.value], node)
