"""The public standards pages, per role, and their query counts at two data sizes."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.standards.models import FrameworkVersion
from tests.conftest import ROLES
from tests.standards.helpers import big_framework

TIMELINE = 'id="timeline-title"'


@pytest.mark.parametrize("who", ROLES)
def test_pages_are_public(cast: Any, framework: FrameworkVersion, who: str) -> None:
    client = cast.client_for(who)
    browse = client.get(reverse("standards:browse"))
    assert browse.status_code == 200
    html = browse.content.decode()
    assert framework.title in html and "2026.1" in html
    assert framework.notice[:40] in html
    assert TIMELINE not in html
    assert client.get(reverse("standards:versions")).status_code == 200
    detail = client.get(reverse("standards:version", args=[framework.code, framework.version]))
    assert detail.status_code == 200
    shows_timeline = who in {"office", "administrator"}
    assert (TIMELINE in detail.content.decode()) is shows_timeline
    if shows_timeline:
        assert "Framework loaded" in detail.content.decode()
    diff = client.get(reverse("standards:diff", args=[framework.code]), {"from": "2026.1", "to": "2026.1"})
    assert diff.status_code == 200


def test_browser_content_and_tier_filter(framework: FrameworkVersion) -> None:
    client = Client()
    core = framework.requirements.filter(core=True).count()
    extended = framework.requirements.filter(core=False).count()
    html = client.get(reverse("standards:browse")).content.decode()
    assert f"{core} core, {extended} extended requirements" in html
    assert html.count('class="badge badge-core"') == core
    assert html.count('class="badge badge-extended"') == extended
    assert 'href="?tier=all" aria-current="true"' in html
    assert 'id="requirement-1a"' in html and 'id="requirement-13d"' in html
    assert "Section 3: Safety and Quality" in html
    assert "<details" in html and "Required evidence for standard 1" in html
    assert "Case review checklist" in html and "records a grade 0–6" in html
    assert html.count("<tr>") - 1 == framework.checklist.count()

    html = client.get(reverse("standards:browse"), {"tier": "core"}).content.decode()
    assert 'href="?tier=core" aria-current="true"' in html
    assert html.count('class="badge badge-core"') == core
    assert 'class="badge badge-extended"' not in html
    assert "No core requirements in this standard." in html  # standards 9 and 13
    assert f"{core} core, {extended} extended requirements" in html

    html = client.get(reverse("standards:browse"), {"tier": "extended"}).content.decode()
    assert html.count('class="badge badge-extended"') == extended
    assert 'class="badge badge-core"' not in html


def test_browser_without_a_current_version(db: Any) -> None:
    response = Client().get(reverse("standards:browse"))
    assert response.status_code == 200
    assert "No version of the standards is in use yet." in response.content.decode()


def test_versions_page_lists_status_and_unknown_version_is_404(framework: FrameworkVersion) -> None:
    html = Client().get(reverse("standards:versions")).content.decode()
    assert reverse("standards:version", args=["io-standards", "2026.1"]) in html
    assert "Current" in html
    assert Client().get(reverse("standards:version", args=["io-standards", "1.0"])).status_code == 404


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_requirements(
    cast: Any, framework: FrameworkVersion, write_framework: Callable[..., Path]
) -> None:
    anonymous, office = Client(), cast.client_for("office")
    browse = reverse("standards:browse")
    small_detail = reverse("standards:version", args=[framework.code, framework.version])
    small = (
        count_queries(anonymous, browse),
        count_queries(office, small_detail),
        count_queries(anonymous, browse + "?tier=core"),
    )

    big = big_framework("2099.1", per_standard=26)
    call_command("standards_load", str(write_framework(big)), "--activate", stdout=StringIO())
    assert FrameworkVersion.objects.get(version="2099.1").requirements.count() == 13 * 26
    large_detail = reverse("standards:version", args=["io-standards", "2099.1"])
    large = (
        count_queries(anonymous, browse),
        count_queries(office, large_detail),
        count_queries(anonymous, browse + "?tier=core"),
    )
    assert small == large
    assert 'id="requirement-13z"' in anonymous.get(browse).content.decode()


def test_admin_is_a_read_only_view_for_the_office(cast: Any, framework: FrameworkVersion) -> None:
    client = cast.client_for("office")
    changelist = client.get(reverse("admin:standards_frameworkversion_changelist"))
    assert changelist.status_code == 200
    assert "2026.1" in changelist.content.decode()
    change = client.get(reverse("admin:standards_frameworkversion_change", args=[framework.pk]))
    assert change.status_code == 200
    html = change.content.decode()
    assert 'name="_save"' not in html
    assert "1a" in html  # the requirements inline
    assert client.get(reverse("admin:standards_frameworkversion_add")).status_code == 403
    delete = client.post(reverse("admin:standards_frameworkversion_delete", args=[framework.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert FrameworkVersion.objects.filter(pk=framework.pk).exists()
    assert (
        cast.client_for("representative").get(reverse("admin:standards_frameworkversion_changelist")).status_code == 302
    )
