"""Schedules: the choices of one execution, as a short, versioned, paste-able string.

Format (after shuttle's and Hypothesis's failure strings): ``ex1.`` then
lowercase base32 without padding of
``version | fingerprint (4 bytes) | flags | varint count | payload`` where the
payload is run-length coded ``(thread index, run)`` varint pairs, zlib'd
when that is shorter (flag bit 0). Only choices where more than one thread
could run are stored. The decoder ignores whitespace and case.
"""
import base64
import zlib

from .errors import BadSchedule

PREFIX = "ex1."
VERSION = 1


def fingerprint(identity):
    """Four bytes naming the target, so a schedule is not replayed on another program."""
    return zlib.crc32(identity.encode()).to_bytes(4, "big")


def _varint(n, out):
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def _read_varint(data, pos):
    shift = result = 0
    while True:
        if pos >= len(data):
            raise BadSchedule("schedule is truncated")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def encode(choices, identity):
    """Encode a list of thread indices as a schedule string."""
    payload = bytearray()
    i = 0
    while i < len(choices):
        j = i
        while j < len(choices) and choices[j] == choices[i]:
            j += 1
        _varint(choices[i], payload)
        _varint(j - i, payload)
        i = j
    flags = 0
    packed = zlib.compress(bytes(payload), 9)
    if len(packed) < len(payload):
        payload, flags = packed, 1
    head = bytearray([VERSION]) + fingerprint(identity) + bytes([flags])
    _varint(len(choices), head)
    text = base64.b32encode(bytes(head + payload)).decode().rstrip("=").lower()
    return PREFIX + text


def decode(text, identity=None):
    """Decode a schedule string; check it belongs to ``identity`` when given."""
    text = "".join(str(text).split()).lower()
    if not text.startswith(PREFIX):
        raise BadSchedule(f"not an explorer schedule (it should start with {PREFIX!r})")
    body = text[len(PREFIX):].upper()
    try:
        data = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError:
        raise BadSchedule("schedule is not valid base32 text") from None
    if len(data) < 7:
        raise BadSchedule("schedule is truncated")
    if data[0] != VERSION:
        raise BadSchedule(f"unsupported schedule version {data[0]}")
    if identity is not None and data[1:5] != fingerprint(identity):
        raise BadSchedule("this schedule belongs to another target")
    flags = data[5]
    count, pos = _read_varint(data, 6)
    payload = data[pos:]
    if flags & 1:
        try:
            payload = zlib.decompress(payload)
        except zlib.error:
            raise BadSchedule("schedule payload is corrupt") from None
    choices, pos = [], 0
    while pos < len(payload):
        tid, pos = _read_varint(payload, pos)
        run, pos = _read_varint(payload, pos)
        choices.extend([tid] * run)
    if len(choices) != count:
        raise BadSchedule("schedule is truncated")
    return choices


def wrap(text, width=76):
    """Wrap a long schedule for display; ``decode`` accepts it back."""
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))
