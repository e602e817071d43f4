"""Display names for the objects operations touch."""


def object_name(obj):
    """Name an operation's object for traces: primitive, thread or location."""
    if obj is None:
        return None
    name = getattr(obj, "xp_name", None)
    if name is not None:
        return name
    if isinstance(obj, str):
        return obj
    thread_name = getattr(obj, "name", None)
    if isinstance(thread_name, str):
        return thread_name
    return type(obj).__name__


def bounded_repr(value, limit=200):
    """``repr`` that never raises and never floods the terminal."""
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - an unprintable value is still a value
        text = f"<unprintable {type(value).__name__}: {type(exc).__name__}>"
    if len(text) > limit:
        text = text[: limit - 15] + f"...<{len(text)} chars>"
    return text
