"""Results: what one execution did, and what an exploration found.

The JSON shapes are DESIGN.md's contract; fields beyond it are additive.
"""
from .naming import bounded_repr, object_name
from .runtime.sites import short


class ExecutionRecord:
    """One execution: its trace, schedule, outcome and failure (if any)."""

    def __init__(self, target, trace, schedule, outcome, returned, failure, cycle, output,
                 pruned, steps, choices=(), preemptions=0):
        self.target = target
        self.trace = trace            # [(thread name, Op)]
        self.schedule = schedule
        self.outcome = outcome
        self.returned = returned
        self.failure = failure
        self.cycle = cycle
        self.output = output
        self.pruned = pruned
        self.steps = steps
        self.choices = list(choices)
        self.preemptions = preemptions
        self.divergence = None

    def simpler_than(self, other):
        """Fewer preemptions, then fewer steps: the schedule a person reads best."""
        return (self.preemptions, self.steps) < (other.preemptions, other.steps)

    def trace_json(self, limit=None):
        rows = self.trace if limit is None else self.trace[-limit:]
        first = len(self.trace) - len(rows)
        return [{"step": first + i, "thread": name, "op": op.kind,
                 "object": object_name(op.obj), "location": short(op.site)}
                for i, (name, op) in enumerate(rows)]

    def failure_json(self):
        f = self.failure
        if f is None:
            return None
        data = {"kind": f.kind, "message": f.message, "schedule": self.schedule,
                "trace": self.trace_json(), "cycle": self.cycle,
                "preemptions": self.preemptions}
        if f.traceback:
            data["traceback"] = f.traceback
        for key in ("thread", "location", "accesses", "location_name", "preemptions",
                    "threads", "os_threads"):
            if key in f.details:
                data[key] = f.details[key]
        return data

    def replay_json(self):
        failure = self.failure_json()
        if failure is None and self.divergence:
            failure = {"kind": "nondeterminism", "message": self.divergence,
                       "schedule": self.schedule, "trace": self.trace_json(), "cycle": None}
        return {"target": self.target.spec, "schedule": self.schedule,
                "outcome": bounded_repr(self.outcome) if self.returned else None,
                "failure": failure, "trace": self.trace_json(), "output": self.output}

    def _repr_html_(self):
        """Jupyter display: outcome or failure and the interleaving, one column per thread."""
        from .notebook import record_html
        return record_html(self)

    def _repr_svg_(self):
        """Jupyter display: the deadlock diagram, when there is one (else None)."""
        from .notebook import record_svg
        return record_svg(self)


class Result:
    """An exploration's result: counts, outcomes and distinct failures."""

    def __init__(self, target, strategy, all_failures=False):
        self.target = target
        self.strategy = strategy
        self.all_failures = all_failures
        self.complete = False
        self.interrupted = False
        self.stopped = None       # why exploration stopped early (a step hung), if it did
        self.executions = 0
        self.steps = 0
        self.pruned = 0
        self.outcomes = {}        # repr -> [count, shortest record]
        self.failures = {}        # signature -> shortest record
        self.states = set()
        self.transitions = set()
        self.strategy_stats = {}
        self.elapsed_s = 0.0

    def add(self, record):
        self.steps += record.steps
        if record.pruned:  # cut short by the strategy (DPOR sleep set): not an execution
            self.pruned += 1
            return
        self.executions += 1
        self._add_states(record)
        if record.failure is not None:
            key = self._signature(record.failure)
            best = self.failures.get(key)
            if best is None or record.simpler_than(best):
                self.failures[key] = record
        elif record.returned:
            value = bounded_repr(record.outcome)
            entry = self.outcomes.setdefault(value, [0, record])
            entry[0] += 1
            if record.simpler_than(entry[1]):
                entry[1] = record

    def novel(self, record):
        """Would ``record`` become a reported one (a new outcome, a new or shorter failure)?"""
        if record.pruned:
            return False
        if record.failure is not None:
            best = self.failures.get(self._signature(record.failure))
            return best is None or record.simpler_than(best)
        return record.returned and bounded_repr(record.outcome) not in self.outcomes

    def add_finding(self, record):
        """Keep the failure of a checking run that is not an explored execution."""
        self.failures.setdefault(self._signature(record.failure), record)

    def _signature(self, failure):
        if self.all_failures:
            return (failure.kind, failure.details.get("signature", failure.message))
        return (failure.kind,)

    def _add_states(self, record):
        """Distinct states as thread positions along the trace (see graph/ for full states)."""
        positions = {}
        prev = ()
        for name, op in record.trace:
            positions[name] = (op.kind, op.site)
            state = tuple(sorted(positions.items()))
            h = hash(state)
            self.states.add(h)
            self.transitions.add((prev, h))
            prev = h

    @property
    def failure_records(self):
        return list(self.failures.values())

    def _repr_html_(self):
        """Jupyter display: summary, outcomes and failures with their traces."""
        from .notebook import result_html
        return result_html(self)

    def to_json(self):
        data = {
            "target": self.target, "strategy": self.strategy, "complete": self.complete,
            "executions": self.executions, "steps": self.steps,
            "states": len(self.states), "transitions": len(self.transitions),
            "outcomes": [{"value": v, "count": c, "schedule": r.schedule}
                         for v, (c, r) in sorted(self.outcomes.items())],
            "failures": [r.failure_json() for r in self.failure_records],
            "elapsed_s": round(self.elapsed_s, 4),
        }
        if self.interrupted:
            data["interrupted"] = True
        if self.stopped:
            data["stopped"] = self.stopped
        if self.pruned:
            data["pruned"] = self.pruned
        data.update(self.strategy_stats)
        return data
