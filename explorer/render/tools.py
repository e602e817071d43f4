"""Turn DOT text into SVG or PNG with whatever Graphviz is installed.

A system Graphviz (``dot`` on PATH) is used first; else the ``graphviz-pure``
wheel's command (a Rust port that reads the same DOT and writes SVG and PNG),
looked up on PATH and next to the running Python, so a plain
``pip install`` in a virtual environment renders too (DESIGN.md, Rendering).
"""
import os
import shutil
import subprocess
import sys

import graphviz

FORMATS = ("dot", "svg", "png")
INSTALL_HINT = ("to draw it, install Graphviz (e.g. apt-get install graphviz) "
                "or pip install graphviz-pure")
_TIMEOUT_S = 60


class NoRenderer(Exception):
    """No Graphviz command could draw the graph (the message says why)."""


def renderers():
    """The Graphviz commands found, best first: system ``dot``, then ``graphviz-pure``."""
    found = []
    for name in ("dot", "graphviz-pure"):
        path = shutil.which(name) or shutil.which(name, path=os.path.dirname(sys.executable))
        if path:
            found.append(path)
    return found


def render(source, fmt):
    """Return ``source`` (DOT text) drawn as ``fmt`` ("svg" or "png") bytes.

    Raises:
        NoRenderer: no command is installed, or every one failed.
    """
    errors = []
    for command in renderers():
        try:
            done = subprocess.run([command, f"-T{fmt}"], input=source.encode("utf-8"),
                                  capture_output=True, timeout=_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            errors.append(f"{os.path.basename(command)}: {exc}")
            continue
        if done.returncode == 0 and done.stdout:
            return done.stdout
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        errors.append(f"{os.path.basename(command)}: {detail[-1] if detail else 'no output'}")
    if not errors:
        raise NoRenderer(f"no Graphviz found; {INSTALL_HINT}")
    raise NoRenderer("Graphviz failed (" + "; ".join(errors) + f"); {INSTALL_HINT}")


def format_of(path):
    """The output format named by a path's extension, or None if it is not one we write."""
    ext = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    ext = "dot" if ext == "gv" else ext
    return ext if ext in FORMATS else None


def digraph(name, title):
    """A graphviz Digraph with the house look: left to right, a title on top."""
    return graphviz.Digraph(name, graph_attr={
        "rankdir": "LR", "label": title, "labelloc": "t", "fontname": "Helvetica",
        "fontsize": "14", "pad": "0.3"},
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"})
