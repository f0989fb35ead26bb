"""Files in an S3-compatible object store, streamed both ways in bounded memory.

django-storages' S3 backend uploads in multipart chunks, but opens a file for reading by
downloading the whole object into a spooled temporary file (all in memory unless told
otherwise). `ObjectStorage` reads instead from the object's HTTP body, chunk by chunk, so a
download or a ZIP of large evidence files never holds a file whole; and it uploads one part at
a time, so an upload holds at most one part. Selected by `STORAGE_S3_BUCKET` (settings.py).
"""

from __future__ import annotations

from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# One part in memory at a time: 8 MiB parts allow files up to 80 GB (10,000 parts).
PART_SIZE = 8 * 1024 * 1024


def bounded_transfer() -> TransferConfig:
    return TransferConfig(
        multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=1, use_threads=False
    )


class ObjectStream(File):  # type: ignore[type-arg]
    """A stored object open for reading: `read(n)` pulls at most n bytes from the response body."""

    def __init__(self, body: Any, name: str, size: int) -> None:
        super().__init__(body, name)
        self._body = body
        self._size = size

    @property  # type: ignore[override]
    def size(self) -> int:
        return self._size

    def read(self, size: int = -1) -> bytes:
        return self._body.read(None if size is None or size < 0 else size)  # type: ignore[no-any-return]

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._body.close()


class ObjectStorage(S3Storage):
    """S3Storage that streams reads and uploads one part at a time."""

    def __init__(self, **settings: Any) -> None:
        settings.setdefault("transfer_config", bounded_transfer())
        super().__init__(**settings)

    def _open(self, name: str, mode: str = "rb") -> Any:
        if "w" in mode or "a" in mode or "+" in mode:
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            response = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
        return ObjectStream(response["Body"], name, int(response["ContentLength"]))
