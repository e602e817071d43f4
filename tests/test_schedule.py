"""The schedule codec: round trips, tolerance of pasting, and specific errors."""
import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer import schedule as codec
from explorer.errors import BadSchedule

IDENTITY = "race.py::main"
choices_lists = st.lists(st.integers(min_value=0, max_value=300), max_size=400)
runs = st.lists(st.tuples(st.integers(0, 5), st.integers(1, 60)), max_size=30).map(
    lambda pairs: [tid for tid, n in pairs for _ in range(n)])


@given(st.one_of(choices_lists, runs))
def test_round_trip(choices):
    assert codec.decode(codec.encode(choices, IDENTITY), IDENTITY) == choices


@given(st.one_of(choices_lists, runs), st.integers(1, 80),
       st.sampled_from([" ", "\n", "\t", "\r\n  "]))
def test_pasted_text_is_accepted(choices, width, sep):
    """Wrapped, re-spaced or upper-cased text decodes to the same choices."""
    text = codec.encode(choices, IDENTITY)
    assert codec.decode(codec.wrap(text, width), IDENTITY) == choices
    spaced = sep.join(text[i:i + width] for i in range(0, len(text), width))
    assert codec.decode(f"  {spaced.upper()}\n", IDENTITY) == choices


def test_format_is_short_lowercase_and_prefixed():
    text = codec.encode([0, 1] * 50, IDENTITY)
    assert text.startswith("ex1.") and text == text.lower() and "=" not in text
    assert len(text) < 48  # 100 alternating choices compress to a few bytes


def test_wrap_lines_are_at_most_76_columns():
    text = codec.encode(list(range(200)), IDENTITY)
    assert all(len(line) <= 76 for line in codec.wrap(text).splitlines())


def _body(text):
    body = text[len(codec.PREFIX):].upper()
    return bytearray(base64.b32decode(body + "=" * (-len(body) % 8)))


def _text(data):
    return codec.PREFIX + base64.b32encode(bytes(data)).decode().rstrip("=").lower()


@pytest.mark.parametrize("text,message", [
    ("", "not an explorer schedule (it should start with 'ex1.')"),
    ("ex2.aaaa", "not an explorer schedule (it should start with 'ex1.')"),
    ("explorer", "not an explorer schedule (it should start with 'ex1.')"),
    ("ex1.!!!!", "schedule is not valid base32 text"),
    ("ex1.aa", "schedule is truncated"),
])
def test_malformed_text(text, message):
    with pytest.raises(BadSchedule) as info:
        codec.decode(text, IDENTITY)
    assert str(info.value) == message


def test_unknown_version():
    data = _body(codec.encode([0, 1], IDENTITY))
    data[0] = 9
    with pytest.raises(BadSchedule, match="unsupported schedule version 9"):
        codec.decode(_text(data), IDENTITY)


def test_foreign_fingerprint():
    text = codec.encode([0, 1, 0], "other.py::main")
    with pytest.raises(BadSchedule, match="belongs to another target"):
        codec.decode(text, IDENTITY)
    assert codec.decode(text) == [0, 1, 0]  # without an identity nothing is checked


@pytest.mark.parametrize("cut", [1, 3, 6])
def test_truncated_payload(cut):
    choices = [0, 1, 2, 1, 0, 3, 2, 1] * 3
    data = _body(codec.encode(choices, IDENTITY))
    with pytest.raises(BadSchedule, match="truncated|corrupt"):
        codec.decode(_text(data[:-cut]), IDENTITY)


def test_corrupt_compressed_payload():
    data = _body(codec.encode([0, 1] * 200, IDENTITY))
    assert data[5] & 1, "long regular schedules are stored compressed"
    data[-3] ^= 0xFF
    with pytest.raises(BadSchedule):
        codec.decode(_text(data), IDENTITY)
