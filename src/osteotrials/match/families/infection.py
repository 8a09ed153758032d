"""Infections: HIV, hepatitis B / C, active infection needing treatment, TB, COVID-19."""

from __future__ import annotations

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    unknown,
)
from osteotrials.model.criteria import Constraint


def _one(agent: str, ctx: Context) -> tuple[bool | None, str, str]:
    inf = ctx.patient.infections
    if agent == "hiv":
        v = None if inf.hiv is None else inf.hiv == "positive"
        return v, f"HIV {inf.hiv or 'not known'}", "hiv"
    if agent == "hbv":
        v = None if inf.hbv is None else inf.hbv in ("chronic", "active")
        return v, f"hepatitis B {inf.hbv or 'not known'}", "hbv"
    if agent == "hcv":
        v = None if inf.hcv is None else inf.hcv == "active"
        return v, f"hepatitis C {inf.hcv or 'not known'}", "hcv"
    if agent == "hepatitis":
        b, fb, _ = _one("hbv", ctx)
        c, fc, _ = _one("hcv", ctx)
        v = True if (b or c) else (False if b is False and c is False else None)
        return v, f"{fb}; {fc}", "hbv"
    # active / tuberculosis / covid19 / hav: only "active infection" is recorded
    active = inf.active_infection
    return (
        active,
        f"active infection: {'not known' if active is None else active}",
        ("active_infection"),
    )


def _agents(c: Constraint) -> tuple[str, ...]:
    """The infections a constraint asks about (any active infection when it names none)."""
    return tuple(str(a) for a in c.params.get("agent", [])) or ("active",)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    results = [_one(a, ctx) for a in _agents(c)]
    facts = "; ".join(f for _, f, _ in results)
    fields = ("infections",)
    if any(v is True for v, _, _ in results):
        return Truth(True, facts, fields=fields)
    missing = sorted({k for v, _, k in results if v is None})
    if missing:
        return unknown(facts, *missing, fields=fields)
    return Truth(False, facts, fields=fields)


# --------------------------------------------------------------------------- bulk codes
# Infection constraints as truth codes (the fast ranking path): the agents are read once
# per index (``prepare``); per patient each distinct agent is put to ``_one`` once.


def prepare(c: Constraint) -> tuple[str, ...] | None:
    try:
        return _agents(c)
    except TypeError:
        return None


def codes(prepared: list[tuple[str, ...]], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared infection constraints: any infection
    present holds, else any not known is unknown, else it does not hold."""
    state: dict[str, bool | None] = {}
    out: list[int | None] = []
    for agents in prepared:
        values = [state[a] if a in state else state.setdefault(a, _one(a, ctx)[0]) for a in agents]
        out.append(
            TRUTH_HOLDS
            if any(v is True for v in values)
            else TRUTH_UNKNOWN
            if any(v is None for v in values)
            else TRUTH_FAILS
        )
    return out
