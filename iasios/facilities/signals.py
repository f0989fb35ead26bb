"""Attach people named at registration when they log in or confirm their address."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def _accept_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from iasios.facilities.services import invitations_accept

    invitations_accept(user=user)


@receiver(email_confirmed)
def _accept_on_confirmation(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    from iasios.facilities.services import invitations_accept

    invitations_accept(user=email_address.user)
