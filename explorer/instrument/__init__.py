"""Finer yield points: shared-memory accesses in the target's own code.

``granularity="sync"`` switches threads only at synchronization operations;
``"memory"`` also at every read and write of an attribute, a module global
or a container item, and at calls of built-in container methods, in the
target's module (not in the standard library, the explorer or other
packages; locals and closure variables are never shared memory here).

Why an AST rewrite (see ``benchmarks/granularity.py`` for the numbers): it
pays only where an access is, not at every bytecode as ``sys.settrace``
opcode events or ``sys.monitoring`` INSTRUCTION events do, and it knows
*what* is accessed (object, attribute, key) without decoding the value
stack; it also runs unchanged on every Python from 3.10 on.
"""
from ..errors import BadInput
from .rewrite import compile_memory

GRANULARITIES = ("sync", "memory")


def compiler_for(granularity):
    """Return a ``Target`` compiler for ``granularity``, or None for plain ``compile``."""
    if granularity == "sync":
        return None
    if granularity == "memory":
        return compile_memory
    raise BadInput(f"unknown granularity {granularity!r} (expected one of: "
                   f"{', '.join(GRANULARITIES)})")


__all__ = ["GRANULARITIES", "compiler_for"]
