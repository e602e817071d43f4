"""Shrink a failing schedule: fewest preemptions first, then fewest steps.

As Hypothesis shrinks a failing example, the shrinker tries simpler
candidates and keeps any that still fails the same way: cut the schedule
short (the rest runs without preemption), or drop one preemptive choice.
Every probe is one execution, within a fixed budget, and deterministic.
"""
from .strategies.guided import Guided

BUDGET = 150


def _key(record):
    return (record.preemptions, record.steps)


def _same(failure, record):
    other = record.failure
    return other is not None and other.kind == failure.kind and (
        other.details.get("location") == failure.details.get("location"))


def shrink(record, run, choices_of):
    """Return the simplest record found that fails like ``record``.

    Args:
        record: a failing ExecutionRecord.
        run: callable(strategy) -> ExecutionRecord, one execution.
        choices_of: callable(record) -> its list of choices.
    """
    best = record
    budget = BUDGET
    improved = True
    while improved and budget > 0:
        improved = False
        choices = choices_of(best)
        for candidate in _candidates(choices):
            if budget <= 0:
                break
            budget -= 1
            probe = run(Guided(candidate))
            if _same(best.failure, probe) and _key(probe) < _key(best):
                best, improved = probe, True
                break
    return best


def _candidates(choices):
    """Shorter prefixes first (halving), then each single choice removed."""
    n = len(choices)
    size = n // 2
    while size >= 1:
        yield choices[:n - size]
        size //= 2
    for i in range(n - 1, -1, -1):
        yield choices[:i] + choices[i + 1:]
