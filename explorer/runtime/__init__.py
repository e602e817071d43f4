"""The runtime: logical threads on greenlets, one running at a time.

The runtime owns threads and executes operations; it never decides who runs.
At every yield point it asks the strategy (see ``explorer.strategies``).
"""
