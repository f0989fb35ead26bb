"""The inbox pages: who sees what, reading, the header badge, preferences, query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iasios.notifications.kinds import KINDS, optional_kinds
from iasios.notifications.models import Notification, NotificationOptOut
from iasios.notifications.views import PAGE_SIZE
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
PREFERENCES = reverse("notifications:preferences")
CONFIRMED = "facilities/email/confirmed"


def notify(
    user: Any, n: int = 1, *, read: bool = False, kind: str = "facilities/email/confirmed"
) -> list[Notification]:
    now = timezone.now()
    return Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=kind,
                subject=f"Message {i}",
                body=f"Body of message {i}",
                link="/facilities/",
                read_at=now if read else None,
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("who", ROLES)
def test_the_inbox_pages_need_a_login_and_show_only_ones_own(cast: Any, who: str) -> None:
    client = cast.client_for(who)
    for url in (INBOX, PREFERENCES):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 200


@pytest.mark.parametrize("who", ROLES)
def test_a_notification_is_the_owners_alone(cast: Any, who: str) -> None:
    (mine,) = notify(cast.contact)
    client = cast.client_for(who)
    detail = client.get(reverse("notifications:detail", args=[mine.pk]))
    read = client.post(reverse("notifications:mark_read", args=[mine.pk]))
    mine.refresh_from_db()
    if who == "contact":
        assert detail.status_code == 200 and b"Body of message 0" in detail.content
        assert read.status_code == 302 and mine.read_at is not None
    elif who == "anonymous":
        assert detail.status_code == 302 and read.status_code == 302 and mine.read_at is None
    else:
        assert detail.status_code == 404 and read.status_code == 404 and mine.read_at is None


def test_the_list_shows_unread_first_then_newest(cast: Any) -> None:
    old_unread, new_read = notify(cast.contact)[0], notify(cast.contact, read=True)[0]
    Notification.objects.filter(pk=old_unread.pk).update(created_at=timezone.now() - timedelta(days=3))
    other = notify(cast.representative)[0]
    response = cast.client_for("contact").get(INBOX)
    listed = list(response.context["notifications"])
    assert listed == [Notification.objects.get(pk=old_unread.pk), new_read]
    assert other not in listed


def test_the_list_is_paginated(cast: Any) -> None:
    notify(cast.contact, PAGE_SIZE + 3)
    client = cast.client_for("contact")
    assert len(client.get(INBOX).context["notifications"]) == PAGE_SIZE
    assert len(client.get(INBOX + "?page=2").context["notifications"]) == 3


def test_reading_needs_a_post_with_the_csrf_token(cast: Any) -> None:
    from django.test import Client

    (n,) = notify(cast.contact)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.contact)
    assert client.get(reverse("notifications:mark_read", args=[n.pk])).status_code == 405
    assert client.post(reverse("notifications:mark_read", args=[n.pk])).status_code == 403
    assert client.post(reverse("notifications:mark_all_read")).status_code == 403
    n.refresh_from_db()
    assert n.read_at is None


def test_open_marks_read_and_goes_to_the_page(cast: Any) -> None:
    (n,) = notify(cast.contact)
    response = cast.client_for("contact").post(reverse("notifications:mark_read", args=[n.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/facilities/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_does_not_redirect_off_site(cast: Any) -> None:
    (n,) = notify(cast.contact)
    response = cast.client_for("contact").post(
        reverse("notifications:mark_read", args=[n.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == INBOX


def test_mark_all_read_touches_only_ones_own(cast: Any) -> None:
    notify(cast.contact, 3)
    notify(cast.representative, 2)
    response = cast.client_for("contact").post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=cast.contact, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=cast.representative, read_at__isnull=True).count() == 2


def test_the_header_shows_the_unread_count(cast: Any) -> None:
    notify(cast.contact, 3)
    notify(cast.contact, 2, read=True)
    notify(cast.representative, 4)
    client = cast.client_for("contact")
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-unread="3"' in page and f'href="{INBOX}"' in page
    client.post(reverse("notifications:mark_all_read"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "data-unread" not in page and f'href="{INBOX}"' in page


def test_the_header_count_costs_one_query(cast: Any) -> None:
    notify(cast.contact, 2)
    client = cast.client_for("contact")
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("standards:browse"))
    counts = [q["sql"] for q in ctx.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()


def test_anonymous_pages_show_no_inbox(db: Any, client: Any) -> None:
    page = client.get(reverse("home")).content.decode()
    assert INBOX not in page


def _inbox_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(INBOX).status_code == 200
    return len(ctx.captured_queries)


def test_the_inbox_query_count_does_not_grow_with_the_data(cast: Any) -> None:
    client = cast.client_for("contact")
    notify(cast.contact, 2)
    small = _inbox_queries(client)
    notify(cast.contact, PAGE_SIZE * 2)
    notify(cast.contact, 5, read=True)
    assert _inbox_queries(client) == small


def test_preferences_show_optional_kinds_as_checkboxes_and_save_them(cast: Any) -> None:
    client = cast.client_for("contact")
    page = client.get(PREFERENCES).content.decode()
    for kind in optional_kinds():
        assert f'value="{kind.prefix}"' in page
    for kind in KINDS.values():
        if kind.mandatory:
            assert f'value="{kind.prefix}"' not in page
    keep = optional_kinds()[0].prefix
    response = client.post(PREFERENCES, {"emailed": [keep]})
    assert response.status_code == 302
    off = set(NotificationOptOut.objects.filter(user=cast.contact).values_list("kind", flat=True))
    assert off == {k.prefix for k in optional_kinds()} - {keep}
    page = client.get(PREFERENCES).content.decode()
    assert page.count("checked") == 1


def test_preferences_refuse_a_mandatory_kind(cast: Any) -> None:
    response = cast.client_for("contact").post(PREFERENCES, {"emailed": ["facilities/email/confirmed"]})
    assert response.status_code == 200  # the form shows the error; nothing saved
    assert not NotificationOptOut.objects.filter(user=cast.contact).exists()


def test_the_list_excerpt_leaves_out_web_addresses(cast: Any) -> None:
    (n,) = notify(cast.contact)
    n.body = "Your invoice:\nhttps://example.org/billing/1/\nPlease pay."
    assert n.excerpt == "Your invoice: Please pay."
