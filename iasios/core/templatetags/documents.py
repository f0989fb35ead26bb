"""`{% document_ready kind object_id as ready %}`: whether a stored document is ready to serve.

Pages say "being prepared" next to a download whose document the task has not stored yet
(the download still works: it renders the document on demand)."""

from __future__ import annotations

from typing import Any

from django import template

from iasios.core.documents import documents_ready

register = template.Library()


@register.simple_tag
def document_ready(kind: str, object_id: Any) -> bool:
    return bool(documents_ready(kind, [object_id]))
