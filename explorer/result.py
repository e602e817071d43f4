"""Results: what one execution did, and what an exploration found.

The JSON shapes are DESIGN.md's contract; fields beyond it are additive.
"""
import copy

from . import schedule as codec
from .graph.stategraph import StateGraph
from .naming import bounded_repr, object_name
from .runtime.sites import short


class ExecutionRecord:
    """One execution: its trace, schedule, outcome and failure (if any).

    ``schedule`` None: encoded from ``choices`` when first read (most records
    are dropped unread).
    """

    def __init__(self, target, trace, schedule, outcome, returned, failure, cycle, output,
                 pruned, steps, choices=(), preemptions=0, failures=None):
        self.target = target
        self.trace = trace            # [(thread name, Op)]
        self._schedule = schedule
        self.outcome = outcome
        self.returned = returned
        self.failure = failure        # the one reported for this execution: failures[0]
        # every finding of the execution: the runtime's failure, then lost updates and
        # data races (found after the run, so an execution with only those returned)
        self.failures = list(failures) if failures is not None else (
            [failure] if failure is not None else [])
        self.focused = False          # a copy reporting one of failures[1:] (all_failures)
        self.cycle = cycle
        self.output = output
        self.pruned = pruned
        self.steps = steps
        self.choices = list(choices)
        self.preemptions = preemptions
        self.divergence = None
        self.states = []              # state keys, initial first (explorer.graph.state)
        self.state_steps = []         # (thread, op, location) between consecutive states
        self.state_loops = []         # (index in states, step): a blocked spin's iteration
        self.path = []                # node ids in Result.graph, once added

    @property
    def schedule(self):
        if self._schedule is None:
            self._schedule = codec.encode(self.choices, self.target.identity)
        return self._schedule

    def simpler_than(self, other):
        """Fewer preemptions, then fewer steps: the schedule a person reads best.

        A record whose replay reports the failure first beats a focused copy.
        """
        return ((self.focused, self.preemptions, self.steps)
                < (other.focused, other.preemptions, other.steps))

    def focused_on(self, failure):
        """A copy that reports ``failure``, one of this execution's other findings."""
        view = copy.copy(self)
        view.failure, view.focused = failure, True
        return view

    @property
    def related(self):
        """The execution's findings other than the reported one."""
        return [f for f in self.failures if f is not self.failure]

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
        if self.related:
            data["related"] = [{"kind": r.kind, "message": r.message} for r in self.related]
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
        self.states_partial = False   # the state graph covers the first executions only
        self.stopped = None       # why exploration stopped early (a step hung), if it did
        self.executions = 0
        self.steps = 0
        self.pruned = 0
        self.outcomes = {}        # repr -> [count, shortest record]
        self.failures = {}        # signature -> shortest record
        self.graph = StateGraph()
        self.strategy_stats = {}
        self.elapsed_s = 0.0

    def add(self, record):
        self.steps += record.steps
        if record.pruned:  # cut short by the strategy (a sleep set, a known state)
            self.pruned += 1
            self._add_states(record)  # its states are reachable all the same
            return
        self.executions += 1
        self._add_states(record)
        if record.failure is not None:
            self._keep(record)
            if self.all_failures:
                for other in record.related:
                    self._keep(record.focused_on(other))
        if record.returned:
            entry = self.outcomes.setdefault(_outcome_key(record), [0, record])
            entry[0] += 1
            if record.simpler_than(entry[1]):
                entry[1] = record

    def _keep(self, record):
        key = self._signature(record.failure)
        best = self.failures.get(key)
        if best is None or record.simpler_than(best):
            self.failures[key] = record

    def novel(self, record):
        """Would ``record`` become a reported one (a new outcome, a new or shorter failure)?"""
        if record.failure is not None:   # a cut execution's too: a race on its way
            best = self.failures.get(self._signature(record.failure))
            if best is None or record.simpler_than(best):
                return True
        return record.returned and _outcome_key(record) not in self.outcomes

    def add_finding(self, record, better=False):
        """Keep the failure of a checking run that is not an explored execution.

        ``better``: the record is a better witness of a finding already kept
        (same ``signature`` detail, e.g. one lock-order cycle) and replaces it.
        """
        key = self._signature(record.failure)
        kept = self.failures.get(key)
        signature = record.failure.details.get("signature")
        if kept is None or (better and kept.failure.details.get("signature") == signature):
            self.failures[key] = record

    def _signature(self, failure):
        if self.all_failures:
            return (failure.kind, failure.details.get("signature", failure.message))
        return (failure.kind,)

    def _add_states(self, record):
        """Add the execution's path to the state graph; keep only node ids on the record."""
        end = None
        if record.returned:   # possibly with a lost update or data race found after the run
            end = ("outcome", bounded_repr(record.outcome))
        elif record.failure is not None:
            end = (record.failure.kind, record.failure.message)
        record.path = self.graph.add_path(record.states, record.state_steps, end,
                                          record.state_loops)
        record.states = []

    @property
    def states(self):
        """Distinct states seen (state key -> node id)."""
        return self.graph.ids

    @property
    def transitions(self):
        """Distinct transitions seen ((u, v, thread, op, location) -> times taken)."""
        return self.graph.edges

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
            "outcomes": [{"value": bounded_repr(r.outcome), "count": c, "schedule": r.schedule}
                         for _, (c, r) in sorted(self.outcomes.items())],
            "failures": [r.failure_json() for r in self.failure_records],
            "elapsed_s": round(self.elapsed_s, 4),
        }
        if self.interrupted:
            data["interrupted"] = True
        if self.stopped:
            data["stopped"] = self.stopped
        if self.pruned:
            data["pruned"] = self.pruned
        if self.states_partial:
            data["states_partial"] = True
        data.update(self.strategy_stats)
        return data


def _outcome_key(record):
    """Outcomes are told apart by a long repr; only the shown value is cut to 200 characters."""
    return bounded_repr(record.outcome, OUTCOME_KEY_LIMIT)


OUTCOME_KEY_LIMIT = 100_000
