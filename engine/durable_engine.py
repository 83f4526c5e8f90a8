"""A second engine: the same compiled ruleset evaluated by durable_rules (a Rete engine with state).

The rules are generated from the intermediate form (`engine/lowering.py`): each level's predicate becomes durable
rules that prove it "holds" and "fails", over one fact per evaluation that carries the commune's typed values,
region and zone. Which levels hold is therefore decided by durable_rules; this
module only turns the fired rules into the same `Outcome`s the core engine computes, and reuses the core's
recognition and gap list, so the two engines can be compared indicator by indicator.

durable_rules' known traps, handled here:
- A fact that matches no rule raises `MessageNotHandledException`: every ruleset gets a catch-all rule, on a
  field of our own (`session`): a rule on durable's session key `sid` itself makes assert_fact loop for ever.
- Rulesets are global by name and cannot be redefined: names carry the ruleset's content hash and each is
  registered once per process (two versions load side by side; the same version is never registered twice).
- The host is shared and not thread-safe: every registration and evaluation holds one lock, and the actions
  write into a per-evaluation slot keyed by a unique session id.
- State grows with every session: each evaluation deletes its session state when done.
- Facts travel as JSON, and durable's parser rejects numbers in exponent form (1e-05, 1e+20), which Python
  writes for magnitudes below 1e-4 or from 1e16: such values are moved to the nearest plain-notation number
  of the same sign (0.0001 or 9e15, written 9000000000000000.0), which keeps every comparison with a threshold of normal size
  (0, or from 0.0001 up to 9e15) as it was.
Expressions (derived inputs, `applies_when`, `expr` conditions) are not durable's language: they are
evaluated beforehand by the core's expression evaluator and asserted as fields holding true/false/absent.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from chuanxa.communes.model import CommuneData
from chuanxa.criteria.expressions import BoolOp, Compare, Const, Lookup, Name
from chuanxa.criteria.operators import OPERATORS, durable_test
from chuanxa.errors import EngineUnavailableError

from .compiled import CompiledRuleset
from .kinds import Outcome
from .lowering import reached
from .prepare import prepare
from .results import CommuneResult, Reason

_LOCK = threading.RLock()
_REGISTERED: set[str] = set()
_FIRED: dict[str, set[tuple[int, int, bool]]] = {}  # session id → {(indicator, level, holds)}
_SESSIONS = itertools.count()


def durable_available() -> bool:
    """Whether durable_rules is installed (`pip install 'chuanxa[durable]'`)."""
    try:
        import durable.lang  # noqa: F401
    except ImportError:
        return False
    return True


def _lang() -> Any:
    try:
        import durable.lang as lang
    except ImportError:
        raise EngineUnavailableError(key="engine.durable_missing") from None
    return lang


class DurableEngine:
    """Evaluate communes with durable_rules; same results as `CompiledRuleset.evaluate`."""

    def __init__(self, engine: CompiledRuleset) -> None:
        self.engine = engine
        self.lang = _lang()
        self.name = f"chuanxa_{engine.stamp.id}_{engine.stamp.sha256[:16]}"
        self.pre = self._pre_evaluated()
        with _LOCK:
            if self.name not in _REGISTERED:
                self._register()
                _REGISTERED.add(self.name)

    # --- compiling rules ---
    def _register(self) -> None:
        lang = self.lang
        m = lang.m
        with lang.ruleset(self.name):
            for j, ci in enumerate(self.engine.indicators):
                if ci.lowered.applies is not None:
                    self._rule((getattr(m, f"applies_{j}") == False), j, -1, False)  # noqa: E712 - durable's own comparison syntax
                for k, level in enumerate(ci.lowered.levels):
                    holds, fails = self._tests(level.when, j, k)
                    for test in holds:
                        self._rule(test, j, k, True)
                    for test in fails:
                        self._rule(test, j, k, False)

            @lang.when_all(+m.session)
            def catch_all(c: Any) -> None:
                """Every fact matches at least this rule (durable raises for unhandled facts)."""

        # Definitions are only registered when the host is next asked for; a failure then would silently drop
        # them, so register now, under the lock, where an error surfaces at compile time.
        lang.get_host()

    def _rule(self, test: Any, j: int, level: int, holds: bool) -> None:
        # durable checks an action's signature: exactly one parameter, so the rule's identity is closed over.
        self.lang.when_all(test)(_recorder((j, level, holds)))

    def _tests(self, node: Any, j: int, k: int) -> tuple[list[Any], list[Any]]:
        """A level's predicate (intermediate form) as durable tests that prove it holds and that prove it fails:
        a comparison of an input with a constant or a table, and/or of comparisons with constants; anything else
        is pre-evaluated by the core (see `_pre_evaluated`)."""
        if _pre_evaluated(node):
            field = f"expr_{j}_{k}"
            return [getattr(self.lang.m, field) == True], [getattr(self.lang.m, field) == False]  # noqa: E712
        if isinstance(node, Compare):
            return self._comparison(node)
        parts = [self._comparison(part) for part in node.values]
        holds_all, fails_all = [h[0] for h, _ in parts], [f[0] for _, f in parts]
        if node.op == "and":
            return [_join(holds_all, "&")], fails_all  # fails if any part fails
        return holds_all, [_join(fails_all, "&")]  # or: holds if one holds, fails only if all fail

    def _comparison(self, node: Compare) -> tuple[list[Any], list[Any]]:
        left, op, threshold = node.left, node.ops[0], node.comparators[0]
        assert isinstance(left, Name) and isinstance(threshold, (Const, Lookup))  # see `_simple`
        name, negation = left.id, OPERATORS[op].negation
        if isinstance(threshold, Const):
            return [self.compare(name, op, threshold.value)], [self.compare(name, negation, threshold.value)]
        m = self.lang.m
        holds, fails = [], []
        for key, value in threshold.values:
            key_value: Any = int(key) if threshold.by == "zone" else key
            holds.append((getattr(m, threshold.by) == key_value) & self.compare(name, op, value))
            fails.append((getattr(m, threshold.by) == key_value) & self.compare(name, negation, value))
        return holds, fails

    def compare(self, name: str, op: str, value: Any) -> Any:
        return durable_test(op, getattr(self.lang.m, name), value)

    def _pre_evaluated(self) -> dict[str, Any]:
        """Fields the fact carries that the core's expression evaluator computes (see module docstring)."""
        fields: dict[str, Any] = {}
        for j, ci in enumerate(self.engine.indicators):
            if ci.form.applies is not None:
                fields[f"applies_{j}"] = ci.form.applies
            for k, level in enumerate(ci.lowered.levels):
                if _pre_evaluated(level.when):
                    fields[f"expr_{j}_{k}"] = ci.form.levels[k][0]
        return fields

    # --- evaluating ---
    def evaluate(self, data: CommuneData) -> CommuneResult:
        """Score one commune with durable_rules deciding every indicator level."""
        prepared = prepare(self.engine, data)
        env = prepared.env
        session = f"s{next(_SESSIONS)}"
        fact: dict[str, Any] = {"session": session, "sid": session}
        for name, value in env.items():
            if value is not None and not hasattr(value, "isoformat"):
                fact[name] = _plain_number(value)
        for field, fn in self.pre.items():
            value = fn(env)
            if value is not None:
                fact[field] = bool(value)
        with _LOCK:
            _FIRED[session] = set()
            try:
                self.lang.assert_fact(self.name, fact)
                fired = _FIRED[session]
            finally:
                _FIRED.pop(session, None)
                self.lang.delete_state(self.name, session)
        results = [ci.finish(self._outcome(j, ci, env, fired), env, prepared.assessed) for j, ci in enumerate(self.engine.indicators)]
        return self.engine.assemble(prepared, results)

    def _outcome(self, j: int, ci: Any, env: Any, fired: set[tuple[int, int, bool]]) -> Outcome:
        """The intermediate form's steps (`engine/lowering.py`), in their order, with the levels read from the rules
        that fired: a required value unknown decides before any level (as on the other engines), even where a level's
        rule fired without it (a level that holds on another of its parts)."""
        lowered, form = ci.lowered, ci.form
        if form.applies is not None:
            if form.applies(env) is None:
                return ci.explained(-1, Reason.MISSING_VALUE, env)
            if (j, -1, False) in fired:
                return ci.explained(-1, Reason.NOT_APPLICABLE, env)
        for required, why in form.requires:
            if required(env) is None:
                return ci.explained(-1, why, env)
        for k, level in enumerate(lowered.levels):
            if (j, k, True) in fired:
                return ci.explained(k, reached(level.points, lowered.max_points), env)
            if (j, k, False) not in fired:  # neither rule fired: a value it needs is unknown
                return ci.explained(-1, level.unknown, env)
        return ci.explained(-1, lowered.otherwise, env)


def _pre_evaluated(node: Any) -> bool:
    """Whether the core computes `node` for durable: anything but an input compared with a constant or a table,
    or and/or of inputs compared with constants (tables inside and/or would multiply rules)."""
    if isinstance(node, Compare):
        return not _simple(node)
    if isinstance(node, BoolOp):
        return not all(isinstance(part, Compare) and _simple(part) and isinstance(part.comparators[0], Const) for part in node.values)
    return True


def _simple(node: Compare) -> bool:
    return len(node.ops) == 1 and node.ops[0] in OPERATORS and isinstance(node.left, Name) and isinstance(node.comparators[0], (Const, Lookup))


def _plain_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, float) or value == 0.0:
        return value
    magnitude = abs(value)
    if magnitude < 1e-4:
        return 1e-4 if value > 0 else -1e-4
    if magnitude >= 1e16:
        return 9e15 if value > 0 else -9e15
    return value


def _recorder(decision: tuple[int, int, bool]) -> Any:
    def fired(c: Any) -> None:
        _FIRED[c.m.session].add(decision)
    return fired


def _join(tests: list[Any], op: str) -> Any:
    out = tests[0]
    for test in tests[1:]:
        out = (out & test) if op == "&" else (out | test)
    return out
