"""Bounded capture of a target's output: a target printing megabytes costs kilobytes."""
import io

DEFAULT_LIMIT = 64 * 1024


class BoundedOutput(io.TextIOBase):
    """A text sink that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit=DEFAULT_LIMIT):
        super().__init__()
        self.limit = limit
        self._parts = []
        self._kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.limit - self._kept
        if room > 0:
            self._parts.append(text[:room])
            self._kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self):
        text = "".join(self._parts)
        if self.dropped:
            text += f"\n...[output truncated: {self.dropped} more characters]\n"
        return text
