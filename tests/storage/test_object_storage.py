"""Files in an S3-compatible store (a local S3 server): written and read back whole, a missing
file is FileNotFoundError, and memory stays bounded both ways whatever the file's size."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage, storages

from iasios.core.documents import stored_sha256
from iasios.core.storage import PART_SIZE, ObjectStorage

pytestmark = pytest.mark.usefixtures("s3_storage")

MB = 1024 * 1024


def _big_file(tmp_path: Path, megabytes: int) -> tuple[Path, str]:
    path = tmp_path / f"big-{megabytes}.bin"
    digest = hashlib.sha256()
    block = bytes(range(256)) * 4096  # 1 MiB
    with path.open("wb") as out:
        for i in range(megabytes):
            piece = i.to_bytes(4, "big") + block[4:]
            out.write(piece)
            digest.update(piece)
    return path, digest.hexdigest()


def _peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_default_storage_is_the_object_store() -> None:
    key = default_storage.save("probe/one.txt", ContentFile(b"hello"))
    assert isinstance(storages["default"], ObjectStorage)
    with default_storage.open(key, "rb") as handle:
        assert handle.size == 5 and handle.read() == b"hello"


def test_a_missing_file_is_file_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        default_storage.open("probe/never-stored.txt", "rb")


def test_memory_stays_bounded_both_ways(tmp_path: Path) -> None:
    """Uploading holds one part at a time, reading one chunk: the peaks do not grow with the size."""
    # The client and its service model load on first use: not part of what a file costs.
    stored_sha256(default_storage.save("probe/warm-up", ContentFile(b"x" * (PART_SIZE + 1))))
    peaks: dict[int, tuple[int, int]] = {}
    for megabytes in (20, 60):
        path, sha256 = _big_file(tmp_path, megabytes)
        keys: list[str] = []

        def upload(path: Path = path, keys: list[str] = keys) -> None:
            with path.open("rb") as source:
                keys.append(default_storage.save(f"probe/{path.name}", File(source)))

        upload_peak = _peak(upload)
        read: list[tuple[str, int]] = []

        def download(keys: list[str] = keys, read: list[tuple[str, int]] = read) -> None:
            read.append(stored_sha256(keys[0]))

        download_peak = _peak(download)
        assert read == [(sha256, megabytes * MB)]
        peaks[megabytes] = (upload_peak, download_peak)
        path.unlink()
    for upload_peak, download_peak in peaks.values():
        assert upload_peak < 2 * PART_SIZE, peaks
        assert download_peak < 2 * MB, peaks
    # Three times the data, about the same memory.
    assert peaks[60][0] < peaks[20][0] + 2 * MB, peaks
    assert peaks[60][1] < peaks[20][1] + MB, peaks
