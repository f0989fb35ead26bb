"""Every HTML page carries a Content-Security-Policy: scripts from the site only, no eval."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from iasios.site.middleware import tile_origin

HOME_OF = {
    "anonymous": "home",
    "representative": "dashboard",
    "read_only": "dashboard",
    "office": "office_home",
    "assessor": "assessor_home",
    "committee": "committee_home",
    "administrator": "office_home",
}


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("who", list(HOME_OF))
def test_each_roles_page_has_a_policy_without_inline_scripts_or_eval(cast: Any, who: str) -> None:
    response = cast.client_for(who).get(reverse(HOME_OF[who]))
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    policy = _directives(header)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-eval'" not in header
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    # The assessor's previews: same-origin frames and images.
    assert "'self'" in policy["frame-src"] and "'self'" in policy["img-src"]


def test_error_pages_and_account_pages_carry_it_too(client: Any, db: Any) -> None:
    assert "script-src 'self'" in client.get("/no-such-page/")["Content-Security-Policy"]
    assert "script-src 'self'" in client.get(reverse("account_login"))["Content-Security-Policy"]


def test_the_registry_map_may_load_tiles_from_the_configured_server(client: Any, db: Any, settings: Any) -> None:
    settings.REGISTRY_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    policy = _directives(client.get(reverse("registry:list"))["Content-Security-Policy"])
    assert "https://*.tiles.example.org" in policy["img-src"]
    assert tile_origin("") == ""
    assert tile_origin("javascript:alert(1)") == ""


def test_files_keep_their_own_policy_and_data_gets_none(client: Any, db: Any) -> None:
    assert "Content-Security-Policy" not in client.get(reverse("registry_json"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(template.relative_to(settings.BASE_DIR)))
    assert offenders == []
