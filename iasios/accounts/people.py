"""Reads of the people pages: who holds which programme roles, and who has a second factor."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q, QuerySet

from iasios.accounts.adapter import SECOND_FACTOR_TYPES
from iasios.accounts.models import User
from iasios.core.events import timeline
from iasios.core.models import Event

# Events about a person that belong on the people page.
ROLE_EVENTS = ("programme_role_granted", "programme_role_revoked")
# A search shows at most this many people; a longer e-mail narrows it.
SEARCH_LIMIT = 50


def second_factor_on() -> Exists:
    """In a query of people: has this person a second factor (their programme role works)?"""
    return Exists(Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTOR_TYPES))


def _with_roles(people: QuerySet[User]) -> QuerySet[User]:
    return people.annotate(mfa_on=second_factor_on()).prefetch_related("programme_role_set")


def people_search(query: str) -> list[User]:
    """People whose e-mail or name contains `query`; without one, everyone holding a programme role."""
    query = query.strip()
    if query:
        people = User.objects.filter(Q(email__icontains=query) | Q(name__icontains=query))
    else:
        people = User.objects.filter(programme_role_set__isnull=False).distinct()
    return list(_with_roles(people).order_by("email")[:SEARCH_LIMIT])


def person_for_roles(pk: Any) -> User | None:
    return _with_roles(User.objects.filter(pk=pk)).prefetch_related("memberships__facility").first()


def role_history(user: User) -> QuerySet[Event]:
    """The person's programme role changes, newest first (granted and revoked, by whom)."""
    return timeline(user).filter(action__in=ROLE_EVENTS)
