from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NINE = ["en", "de", "fr", "es", "it", "pt", "pl", "tr", "zh-hans"]


@pytest.fixture(autouse=True)
def nine_languages(settings: Any) -> list[str]:
    """The nine interface languages, whatever the settings ship at the time the test runs."""
    settings.LANGUAGES = [(code, code) for code in NINE]
    return NINE


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo file of `messages` (msgid -> msgstr), as msgfmt writes it."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(entries)
    ids = [k.encode() for k in keys]
    strs = [entries[k].encode() for k in keys]
    header = 7 * 4
    table = len(keys) * 8
    ids_start = header + 2 * table
    offsets_ids, offsets_strs, blob_ids, blob_strs = [], [], b"", b""
    for raw in ids:
        offsets_ids.append((len(raw), ids_start + len(blob_ids)))
        blob_ids += raw + b"\0"
    strs_start = ids_start + len(blob_ids)
    for raw in strs:
        offsets_strs.append((len(raw), strs_start + len(blob_strs)))
        blob_strs += raw + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), header, header + table, 0, 0)
    out += b"".join(struct.pack("<2I", n, o) for n, o in offsets_ids)
    out += b"".join(struct.pack("<2I", n, o) for n, o in offsets_strs)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out + blob_ids + blob_strs)


@pytest.fixture
def fake_catalogue(settings: Any, tmp_path: Path) -> Callable[[str, dict[str, str]], None]:
    """Give `language` a small catalogue of its own, ahead of the shipped ones (a real
    translation check before the shipped catalogues are filled)."""
    root = tmp_path / "locale"
    settings.LOCALE_PATHS = [root, *settings.LOCALE_PATHS]

    def add(language: str, messages: dict[str, str]) -> None:
        from django.utils import translation
        from django.utils.translation import trans_real

        write_mo(root / translation.to_locale(language) / "LC_MESSAGES" / "django.mo", messages)
        trans_real._translations = {}  # type: ignore[attr-defined]
        translation.deactivate()

    return add
