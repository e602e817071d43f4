"""Drop-in versions of the standard library's threading primitives.

Each primitive is a thin object that describes its operations and calls
``kernel.step``; the runtime decides nothing and the primitive never blocks
any other way. Messages of exceptions are CPython's.
"""
