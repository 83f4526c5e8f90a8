"""A second engine: the same compiled ruleset evaluated by durable_rules (a Rete engine with state).

Each indicator level becomes two durable rules, "holds" and "fails", over one fact per evaluation that carries
the commune's typed values, region and zone. Which levels hold is therefore decided by durable_rules; this
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
from chuanxa.criteria.expressions import parse_expression
from chuanxa.criteria.operators import OPERATORS, durable_test
from chuanxa.criteria.model import AllOf, AnyOf, Comparison, ExprCondition, ThresholdTable
from chuanxa.errors import EngineUnavailableError

from .compiled import CompiledRuleset
from .expr_eval import compile_expression
from .kinds import ConditionsKind, KindContext, Outcome, status_for
from .prepare import prepare
from .results import CommuneResult, Reason, Status

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
        from chuanxa.criteria.checks import expression_env

        self._env_types = expression_env(engine.ruleset)
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
                ind = ci.model
                if ind.applies_when:
                    self._rule((getattr(m, f"applies_{j}") == False), j, -1, False)  # noqa: E712 - durable's own comparison syntax
                for level_index, (holds, fails) in enumerate(self._level_tests(j, ind)):
                    for test in holds:
                        self._rule(test, j, level_index, True)
                    for test in fails:
                        self._rule(test, j, level_index, False)

            @lang.when_all(+m.session)
            def catch_all(c: Any) -> None:
                """Every fact matches at least this rule (durable raises for unhandled facts)."""

        # Definitions are only registered when the host is next asked for; a failure then would silently drop
        # them, so register now, under the lock, where an error surfaces at compile time.
        lang.get_host()

    def _rule(self, test: Any, j: int, level: int, holds: bool) -> None:
        # durable checks an action's signature: exactly one parameter, so the rule's identity is closed over.
        self.lang.when_all(test)(_recorder((j, level, holds)))

    def _level_tests(self, j: int, ind: Any) -> list[tuple[list[Any], list[Any]]]:
        """For each level in points order: the durable tests that prove it holds, and those that prove it fails
        (written by the indicator's kind, `engine/kinds.py`)."""
        return self.engine.indicators[j].kind.durable_levels(self, j)  # type: ignore[no-any-return]

    def threshold_tests(self, name: str, op: str, threshold: Any) -> tuple[list[Any], list[Any]]:
        if not isinstance(threshold, ThresholdTable):
            return [self.compare(name, op, threshold)], [self.compare(name, OPERATORS[op].negation, threshold)]
        m = self.lang.m
        axis = "region" if threshold.by == "region" else "zone"
        holds, fails = [], []
        for key, value in threshold.values.items():
            key_value: Any = key if axis == "region" else int(key)
            holds.append((getattr(m, axis) == key_value) & self.compare(name, op, value))
            fails.append((getattr(m, axis) == key_value) & self.compare(name, OPERATORS[op].negation, value))
        return holds, fails

    def condition_tests(self, cond: Any, j: int, k: int) -> tuple[list[Any], list[Any]]:
        """A condition as durable tests: all/any become & and | of comparisons; expressions are pre-evaluated."""
        if isinstance(cond, Comparison):
            return self.threshold_tests(cond.input, cond.op, cond.threshold)
        if isinstance(cond, ExprCondition):
            field = f"expr_{j}_{k}"
            return [getattr(self.lang.m, field) == True], [getattr(self.lang.m, field) == False]  # noqa: E712
        parts = [self.condition_tests(c, j, k) for c in (cond.all if isinstance(cond, AllOf) else cond.any)]
        if any(len(h) != 1 or len(f) != 1 for h, f in parts):
            # Table thresholds inside all/any would multiply rules; such a condition is pre-evaluated instead.
            field = f"expr_{j}_{k}"
            return [getattr(self.lang.m, field) == True], [getattr(self.lang.m, field) == False]  # noqa: E712
        holds_all, fails_all = [h[0] for h, _ in parts], [f[0] for _, f in parts]
        if isinstance(cond, AllOf):
            return [_join(holds_all, "&")], fails_all  # fails if any part fails
        return holds_all, [_join(fails_all, "&")]  # any: holds if one holds, fails only if all fail

    def compare(self, name: str, op: str, value: Any) -> Any:
        return durable_test(op, getattr(self.lang.m, name), value)

    def _pre_evaluated(self) -> dict[str, Any]:
        """Fields the fact carries that the core's expression evaluator computes (see module docstring)."""
        fields: dict[str, Any] = {}
        for j, ci in enumerate(self.engine.indicators):
            ind = ci.model
            if ind.applies_when:
                fields[f"applies_{j}"] = compile_expression(parse_expression(ind.applies_when, self._env_types, "bool"))
            if ind.kind == "conditions":
                for k, level in enumerate(sorted(ind.levels, key=lambda lv: -lv.points)):
                    fn = self._pre_condition(level.when)
                    if fn is not None:
                        fields[f"expr_{j}_{k}"] = fn
        return fields

    def _pre_condition(self, cond: Any) -> Any:
        if isinstance(cond, ExprCondition):
            return compile_expression(parse_expression(cond.expr, self._env_types, "bool"))
        parts = cond.all if isinstance(cond, (AllOf,)) else cond.any if isinstance(cond, AnyOf) else ()
        if any(not isinstance(c, Comparison) or isinstance(c.threshold, ThresholdTable) for c in parts):
            kind = next(ci.kind for ci in self.engine.indicators if isinstance(ci.kind, ConditionsKind))
            assert isinstance(kind, ConditionsKind)
            return kind._compile(cond, KindContext(env=self._env_types))
        return None

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
        ind = ci.model
        if ind.applies_when:
            if self.pre[f"applies_{j}"](env) is None:
                return Outcome(0.0, Status.MISSING_DATA, Reason.MISSING_VALUE)
            if (j, -1, False) in fired:
                return Outcome(ind.max_points if ci.award_not_applicable else 0.0, Status.NOT_APPLICABLE, Reason.NOT_APPLICABLE)
        kind = ci.kind
        for k, points in enumerate(kind.level_points):
            if (j, k, True) in fired:
                status, reason = status_for(points, ind.max_points)
                return Outcome(points, status, reason, kind.durable_met(ci, env, points))
            if (j, k, False) not in fired:
                return kind.unknown(env)  # neither rule fired: the value, or the region/zone its threshold needs, is unknown
        return kind.durable_failed(self, ci, env)  # type: ignore[no-any-return]


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
