"""One state machine per lifecycle, declared as a table of transitions.

Each lifecycle (facility, invoice, cycle, award, …) declares its transitions in the app that
owns it:

    FRAMEWORK_LIFECYCLE = StateMachine(
        model=FrameworkVersion,
        field="status",
        transitions=[
            Transition("activate", {"draft", "superseded"}, "current", who=is_administrator),
        ],
    )

and every state change goes through `StateMachine.apply`, which locks the row, checks who
may and the guard, sets the state, writes the event row and schedules side effects (e-mails)
for after the commit. Nothing else assigns the state field: that keeps the event log complete.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from iasios.core.events import record_event
from iasios.core.refusals import Conflict, NotPermitted

M = TypeVar("M", bound=models.Model)

Who = Callable[[Any, Any], bool]
"""(user, obj) → may this user take the transition? user is None for the system."""

Guard = Callable[[Any], "str | None"]
"""obj → None when the transition may happen, else the reason it may not (shown to the user)."""

Effect = Callable[[Any, Any], None]
"""(obj, actor) → a side effect run after the transaction commits (e-mail, task)."""


def system_only(user: Any, obj: Any) -> bool:
    return user is None


class TransitionNotAllowed(Conflict):
    """The object is not in a state the transition starts from, or a guard refused it."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: Collection[str]
    target: str
    who: Who = system_only
    guard: Guard | None = None
    label: str | Promise = ""
    needs_reason: bool = False
    effects: tuple[Effect, ...] = field(default_factory=tuple)


class StateMachine(Generic[M]):
    def __init__(self, *, model: type[M], field: str = "status", transitions: Iterable[Transition]):
        self.model = model
        self.field = field
        self.transitions = {t.name: t for t in transitions}

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def state_of(self, obj: M) -> str:
        return str(getattr(obj, self.field))

    def state_label(self, obj: M) -> str:
        """The state as people read it (the choice's label, in the active language)."""
        display = getattr(obj, f"get_{self.field}_display", None)
        return str(display()) if callable(display) else self.state_of(obj)

    def available(self, obj: M, user: Any) -> list[Transition]:
        """Transitions the user may take now (guards included), for buttons on pages."""
        state = self.state_of(obj)
        return [
            t
            for t in self.transitions.values()
            if state in t.sources and t.who(user, obj) and (t.guard is None or t.guard(obj) is None)
        ]

    def apply(
        self,
        obj: M,
        name: str,
        *,
        actor: Any = None,
        reason: str = "",
        data: dict[str, Any] | None = None,
        changes: dict[str, Any] | None = None,
    ) -> M:
        """Take transition `name` on `obj` and return `obj`, updated from the locked row.

        `actor` None means the system (a sweep, a loader). `changes` are other fields set in
        the same save (e.g. a decision date). Raises NotPermitted (a PermissionDenied) when the
        actor may not, TransitionNotAllowed (a Conflict) when the state or a guard forbids it.
        The guard and the save work on the row as locked; the caller's instance is then brought
        in step with it, so there is one instance to use afterwards (and the effects get it).
        """
        transition = self.transitions[name]
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
            state = self.state_of(locked)
            if state not in transition.sources:
                raise TransitionNotAllowed(
                    _("“%(action)s” is not possible from the state “%(state)s”.")
                    % {"action": transition.label or transition.name, "state": self.state_label(locked)}
                )
            if not transition.who(actor, locked):
                raise NotPermitted(_("You may not do this."))
            if transition.needs_reason and not reason.strip():
                raise TransitionNotAllowed(_("A reason is required."))
            if transition.guard is not None:
                refusal = transition.guard(locked)
                if refusal:
                    raise TransitionNotAllowed(refusal)
            setattr(locked, self.field, transition.target)
            update_fields = [self.field]
            for key, value in (changes or {}).items():
                setattr(locked, key, value)
                update_fields.append(key)
            if any(f.name == "updated_at" for f in locked._meta.concrete_fields):
                update_fields.append("updated_at")
            locked.save(update_fields=update_fields)
            record_event(
                obj=locked,
                action=transition.name,
                actor=actor,
                from_state=state,
                to_state=transition.target,
                reason=reason,
                data=data,
            )
            for concrete in locked._meta.concrete_fields:
                setattr(obj, concrete.attname, getattr(locked, concrete.attname))
            for effect in transition.effects:
                transaction.on_commit(lambda effect=effect: effect(obj, actor))  # type: ignore[misc]
        return obj
