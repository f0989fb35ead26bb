"""A local S3 server for the tests, and the storage fixtures that use it.

The server is moto's, in a child process of the test process (one per xdist worker): it binds
a free port, prints it, and stops when its standard input closes, that is when the tests end.

- `s3_server`: its endpoint URL (session).
- `s3_storage`: this test's files go to a fresh bucket of that server (settings.STORAGES).
- `any_storage`: parametrised, the test runs once on the local disk and once on the S3 server;
  modules opt in with `pytestmark = pytest.mark.usefixtures("any_storage")`.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

_SERVER = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""

CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdin is not None
    port = process.stdout.readline().strip()
    if not port.isdigit():
        process.kill()
        pytest.fail("the local S3 server did not start")
    yield f"http://127.0.0.1:{port}"
    process.stdin.close()
    process.wait(timeout=30)


def s3_options(endpoint: str, bucket: str) -> dict[str, Any]:
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "default_acl": None,
        "file_overwrite": True,
        **CREDENTIALS,
    }


@pytest.fixture
def s3_storage(s3_server: str, settings: Any) -> str:
    """Files of this test go to a new bucket of the local S3 server; returns the bucket's name."""
    import boto3

    bucket = f"test-{uuid.uuid4().hex[:20]}"
    boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    ).create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "iasios.core.storage.ObjectStorage", "OPTIONS": s3_options(s3_server, bucket)},
    }
    return bucket


@pytest.fixture(params=["disk", "s3"])
def any_storage(request: pytest.FixtureRequest, settings: Any, tmp_path: Any) -> str:
    """Run the test on the local disk and again on the local S3 server."""
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    else:
        settings.MEDIA_ROOT = str(tmp_path / "media")
    return str(request.param)
