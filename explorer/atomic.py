"""Write output files atomically: a reader sees the old file or the new one, never half."""
import os
import tempfile


def write_atomic(path, data):
    """Write ``data`` (str or bytes) to ``path`` through a temporary file and a rename.

    The temporary file lives in the same directory, so ``os.replace`` is one
    atomic rename; on any error it is removed and the old file stays intact.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path):
    """Return None if ``path`` can be written, else a one-line reason (checked before work)."""
    path = os.path.abspath(os.fspath(path))
    directory = os.path.dirname(path)
    if os.path.isdir(path):
        return f"{path} is a directory"
    if not os.path.isdir(directory):
        return f"cannot write {path}: no such directory {directory}"
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"cannot write {path}: directory {directory} is not writable"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return f"cannot write {path}: permission denied"
    return None
