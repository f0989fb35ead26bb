"""Memory while a large evidence file streams in: `python -m tests.bench.upload_memory`.

Builds a multipart body of BENCH_UPLOAD_MB megabytes (default 200) on disk, then hands it to
Django's WSGI handler as a stream (the way a server does), posting to the evidence upload
endpoint of the API, and copies the same file with the operating system's copy to the same disk
(the baseline: the upload's time is printed as a multiple of it). Reports the Python heap peak
(tracemalloc) during the request and the process's resident-set high-water mark before and
after, next to the file's size. Memory that stays flat shows as a heap peak of a few megabytes
whatever the file size.

Runs against its own database (var/bench-upload.sqlite3 unless BENCH_DATABASE_URL is set) and
its own media folder, so the demo data is untouched. Prints a table and writes
var/bench-upload.json.
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iasios.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{BASE / 'var' / 'bench-upload.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(BASE / "var" / "bench-media"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402

SIZE_MB = int(os.environ.get("BENCH_UPLOAD_MB", "200"))
BOUNDARY = "----benchboundary7MA4YWxkTrZu0gW"


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup() -> tuple[Any, str]:
    from iasios.accounts.models import User
    from iasios.accounts.roles import FacilityRoleName
    from iasios.api.services import token_create
    from iasios.facilities.models import Facility, FacilityStatus, Membership

    call_command("migrate", verbosity=0)
    call_command("standards_load", str(settings.SHIPPED_FRAMEWORK_FILE), "--activate", "--if-new", verbosity=0)
    facility, _created = Facility.objects.get_or_create(
        name="Upload benchmark centre", defaults={"city": "Lyon", "country": "FR"}
    )
    Facility.objects.filter(pk=facility.pk).update(status=FacilityStatus.ENROLLED)
    user = User.objects.filter(email="bench-upload@example.org").first() or User.objects.create_user(
        "bench-upload@example.org", "bench-upload-password-1"
    )
    Membership.objects.get_or_create(facility=facility, user=user, defaults={"role": FacilityRoleName.CONTRIBUTOR})
    _token, raw = token_create(user=user, name="upload benchmark")
    return facility, raw


def _write_body(path: Path, size: int) -> int:
    """A multipart body with one PDF-looking file of `size` bytes, written in chunks."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="title"\r\n\r\nLarge scan\r\n'
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="files"; filename="large-scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    chunk = b"0123456789abcdef" * 65536  # 1 MiB
    with path.open("wb") as out:
        out.write(head)
        out.write(b"%PDF-1.4\n")
        remaining = size - 9
        while remaining > 0:
            piece = chunk[: min(len(chunk), remaining)]
            out.write(piece)
            remaining -= len(piece)
        out.write(tail)
    return path.stat().st_size


def _post(handler: WSGIHandler, body_path: Path, length: int, facility: Any, token: str) -> tuple[str, bytes]:
    status: list[str] = []
    with body_path.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": f"/api/v1/applications/facilities/{facility.pk}/evidence",
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(length),
            "wsgi.input": stream,
            "wsgi.errors": io.StringIO(),
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        response = handler(environ, lambda s, headers, exc_info=None: status.append(s))
        body = b"".join(response)
    return (status[0] if status else ""), body


def _clean_up(facility: Any) -> None:
    """Remove the benchmark's stored files (the rows stay, the disk does not fill up run after run)."""
    from django.core.files.storage import default_storage

    from iasios.applications.models import EvidenceRevision

    for key in EvidenceRevision.objects.filter(document__facility=facility).values_list("storage_key", flat=True):
        default_storage.delete(key)


def plain_copy_seconds(source: Path, folder: Path) -> float:
    """The baseline: the same bytes copied to a file in `folder` (the media folder) by the operating
    system's copy (shutil.copyfile); the copy is then removed."""
    target = folder / "bench-plain-copy.bin"
    started = time.perf_counter()
    shutil.copyfile(source, target)
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def plain_read_seconds(path: Path) -> float:
    """The download's baseline: the stored file read from the disk in 64 KiB chunks and dropped."""
    started = time.perf_counter()
    with path.open("rb") as source:
        while source.read(65536):
            pass
    return time.perf_counter() - started


def measure_upload(size_mb: int = SIZE_MB, *, keep: bool = False) -> tuple[dict[str, Any], Any]:
    """Stream a `size_mb` upload through the WSGI handler; returns the result row and the facility.
    With `keep`, the stored file stays (for a download measurement); call clean_up(facility) after."""
    facility, token = _setup()
    size = size_mb * 1024 * 1024
    settings.EVIDENCE_MAX_UPLOAD_BYTES = max(settings.EVIDENCE_MAX_UPLOAD_BYTES, size + 1024)
    handler = WSGIHandler()
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    # The body is written beside the media folder, so the upload and the plain copy below read and
    # write the same disk.
    with tempfile.TemporaryDirectory(dir=media.parent) as folder:
        # A 1 MB upload first, so that imports and caches of the first request are not counted.
        small_path = Path(folder) / "small.bin"
        _post(handler, small_path, _write_body(small_path, 1024 * 1024), facility, token)
        body_path = Path(folder) / "body.bin"
        length = _write_body(body_path, size)
        rss_before = _rss_mb()
        tracemalloc.start()
        started = time.perf_counter()
        status, body = _post(handler, body_path, length, facility, token)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = _rss_mb()
        copy_seconds = plain_copy_seconds(body_path, media)
    result: dict[str, Any] = {
        "file_mb": round(size / 1048576, 1),
        "status": status,
        "seconds": round(elapsed, 2),
        "heap_peak_mb": round(peak / 1048576, 2),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "rss_growth_mb": round(rss_after - rss_before, 1),
        "heap_peak_vs_file": round(peak / size, 4),
        "plain_copy_seconds": round(copy_seconds, 2),
        "vs_plain_copy": round(elapsed / copy_seconds, 2) if copy_seconds else None,
    }
    if not status.startswith("201"):
        result["response"] = body[:500].decode("utf-8", "replace")
    if not keep:
        _clean_up(facility)
    return result, facility


clean_up = _clean_up


def main() -> None:
    result, _facility = measure_upload(SIZE_MB)
    width = max(len(k) for k in result)
    print("Evidence upload memory")
    for key, value in result.items():
        print(f"  {key.ljust(width)}  {value}")
    out = BASE / "var" / "bench-upload.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
