"""The public standards pages: the browser, the list of versions, one version, a diff."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from iasios.accounts.access import has_programme_role
from iasios.accounts.roles import ProgrammeRoleName
from iasios.core.events import timeline
from iasios.core.pdf import html_to_pdf, pdf_response
from iasios.standards.forms import VersionDiffForm
from iasios.standards.models import FrameworkVersion
from iasios.standards.selectors import (
    current_framework_tree,
    framework_diff,
    framework_get,
    framework_page,
    framework_versions,
)


def _browser(request: HttpRequest, framework: FrameworkVersion | None, **extra: Any) -> HttpResponse:
    context: dict[str, Any] = {"framework": framework, **extra}
    if framework is not None:
        context["page"] = framework_page(framework, request.GET.get("tier", "all"))
        context["tiers"] = [("all", _("All")), ("core", _("Core")), ("extended", _("Extended"))]
    return render(request, "standards/browse.html", context)


def browse(request: HttpRequest) -> HttpResponse:
    return _browser(request, current_framework_tree())


def version_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    framework = framework_get(code, version, tree=True)
    if framework is None:
        raise Http404
    events = None
    if has_programme_role(request.user, ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR):
        events = timeline(framework)
    return _browser(request, framework, events=events, version_page=True)


# A version's texts never change once loaded: its PDF is rendered once per status, language and
# translation file.
STANDARDS_PDF_CACHE_SECONDS = 7 * 24 * 3600


def standards_pdf(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """The standards of one version (`current` names the one in use) as a PDF, public like the pages."""
    framework = framework_get(code, version, tree=True)
    if framework is None:
        raise Http404
    # The translations change without a new version: the key names the files they came from.
    language = get_language()
    translated = (framework.translation_sha256 or {}).get((language or "").lower(), "")[:16]
    key = f"standards-pdf:{framework.pk}:{framework.source_sha256}:{framework.status}:{language}:{translated}"
    content = cache.get(key)
    if content is None:
        html = render_to_string(
            "standards/standards_pdf.html",
            {"framework": framework, "page": framework_page(framework)},
        )
        content = html_to_pdf(html)
        cache.set(key, content, STANDARDS_PDF_CACHE_SECONDS)
    return pdf_response(content, f"{framework.code}-{framework.version}.pdf")


def versions(request: HttpRequest) -> HttpResponse:
    return render(request, "standards/versions.html", {"versions": framework_versions()})


def diff(request: HttpRequest, code: str) -> HttpResponse:
    loaded = list(framework_versions(code))
    if not loaded:
        raise Http404
    by_version = {v.version: v for v in loaded}
    form = VersionDiffForm(request.GET or None, versions=[v.version for v in reversed(loaded)])
    result = old = new = None
    if form.is_bound and form.is_valid():
        old = by_version[form.cleaned_data["from_version"]]
        new = by_version[form.cleaned_data["to_version"]]
        result = framework_diff(old, new)
    return render(request, "standards/diff.html", {"code": code, "form": form, "diff": result, "old": old, "new": new})
