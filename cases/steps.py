"""How a step of the procedure is declared, and how the rest of the code reads it.

A step is a django_fsm transition of `Application.state` carrying its facts in
`custom=`: its label (the button, and the verb of a refusal), its timeline entry, its
hint, who may not take it (三分离), the case page's offer it belongs to and the
workbench tile of the state it leaves. `step()` writes the declaration; `info()` and
`steps()` read it. Nothing else lists steps, so the page, the service, the timeline,
the workbench and the drawn procedure cannot drift apart.
"""

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django_fsm import transition

from cases.guards import Guard, RegionPermission


@dataclass(frozen=True)
class StepInfo:
    name: str  # the transition's (the model method's) name
    action: str  # the CaseEvent.action it writes: the name unless declared otherwise
    label: str  # the button; "不能{label}" in a refusal
    event: str  # the timeline's entry
    perm: str  # the region permission the step needs
    offer: str | None  # the case page's offer (its form prefix); None: not offered there
    hint: str = ""
    style: str = ""
    not_by: tuple[str, ...] = ()  # participants (cases.guards.participants) who may not
    tile: str = ""  # the workbench tile of the state this step leaves
    refusal: str = ""  # the message when the state does not allow it ({state} filled in)
    denied: str = ""  # the message when the user lacks the permission

    def refused_in(self, state_label: str) -> str:
        if self.refusal:
            return self.refusal.format(state=state_label)
        return f"申请当前为「{state_label}」，不能{self.label}。"


def step(field, *, source, target, perm: str, label: str, event: str,
         guards: Sequence[Callable | Guard] = (), offer: str | None = "", hint: str = "",
         style: str = "", not_by: tuple[str, ...] = (), tile: str = "", refusal: str = "",
         denied: str = "", action: str = ""):
    """Declare a step: a transition of `field` with its facts. `offer=""` offers it on
    the case page under its own name; `offer=None` does not offer it there. `action`
    names its audit rows when the method's name must differ (a field of that name)."""

    def declare(method):
        info = StepInfo(name=method.__name__, action=action or method.__name__, label=label,
                        event=event, perm=perm,
                        offer=method.__name__ if offer == "" else offer, hint=hint,
                        style=style, not_by=tuple(not_by), tile=tile, refusal=refusal,
                        denied=denied)
        conditions = [g if isinstance(g, Guard) else Guard(g) for g in guards]
        return transition(field=field, source=source, target=target, conditions=conditions,
                          permission=RegionPermission(perm), custom={"step": info})(method)

    return declare


def transitions_of(method) -> list:
    """The django_fsm transitions of a step method, one per source state."""
    return list(method._django_fsm.transitions.values())


def info(method) -> StepInfo:
    """The facts of a step, from its (bound or unbound) method."""
    return transitions_of(method)[0].custom["step"]


def steps(model) -> Iterator[tuple[str, StepInfo]]:
    """Every step of `model`, in the order the class declares them."""
    seen = set()
    for name, member in vars(model).items():
        if hasattr(member, "_django_fsm") and name not in seen:
            seen.add(name)
            yield name, info(member)


@functools.cache
def by_action(model, action: str) -> str | None:
    """The name of the step of `model` that writes audit rows named `action` (read once
    per model and action: a timeline asks for every row)."""
    return next((name for name, facts in steps(model) if facts.action == action), None)


def sources(method) -> list[str]:
    return [t.source for t in transitions_of(method)]


def target(method) -> str | None:
    return transitions_of(method)[0].target


def tiles(model) -> list[tuple[str, str, str]]:
    """(permission, label, state) of each workbench tile a step declares: the cases
    waiting in the state the step leaves, for the people who may take it."""
    found = []
    for name, facts in steps(model):
        if facts.tile:
            waiting = [s for s in sources(getattr(model, name)) if s != "new"]
            found.extend((facts.perm, facts.tile, state) for state in waiting)
    return found
