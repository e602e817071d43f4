"""The bundled models: name, target and one-line lesson, for ``explorer models``."""
import ast
import os


def models_dir():
    """``models/`` next to the package (a source checkout), or in the current directory."""
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models")
    return here if os.path.isdir(here) else os.path.abspath("models")


def list_models():
    """Each model's name, target path and lesson (its docstring's first line)."""
    folder = models_dir()
    rows = []
    if not os.path.isdir(folder):
        return rows
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".py") or name.startswith("_"):
            continue
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as fh:
            doc = ast.get_docstring(ast.parse(fh.read())) or ""
        lesson = doc.strip().splitlines()[0] if doc.strip() else ""
        rel = os.path.relpath(path)
        rows.append({"name": name[:-3], "target": rel if not rel.startswith("..") else path,
                     "lesson": lesson})
    return rows
