from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iasios.standards.selectors import current_framework


def browse(request: HttpRequest) -> HttpResponse:
    return render(request, "standards/browse.html", {"framework": current_framework()})
