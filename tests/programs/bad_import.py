"""A target whose module raises on import."""
raise RuntimeError("cannot import me")


def main():
    return None
