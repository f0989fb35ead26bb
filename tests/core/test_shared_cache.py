"""The shipped cache is shared by every process: five failed signatures in one process, and the
sixth in another is refused. Once with the database cache (the default), once with Redis
(REDIS_URL, or the server on 127.0.0.1:6379 that CI runs). And through the log-in page of two
gunicorn servers on one database: five failures on the first, the sixth refused by the second."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings

from iasios.settings import CACHE_TABLE, caches_from_env

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def test_redis_when_redis_url_is_set_else_the_database_cache() -> None:
    assert caches_from_env({"REDIS_URL": DEFAULT_REDIS_URL})["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": DEFAULT_REDIS_URL,
    }
    assert caches_from_env({})["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
    }


def _environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DISABLE_RATE_LIMITS", "DATABASE_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "iasios.settings"
    return {**env, **values}


def _process(env: dict[str, str], *args: str) -> list[str]:
    """Run `args` in a new Python process at the project's root; its output's lines."""
    done = subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _attempts(env: dict[str, str], user_id: int, attempts: int) -> list[str]:
    return _process(env, "-m", "tests.core.limiter_probe", str(user_id), str(attempts))


def _the_sixth_attempt_in_another_process_is_refused(env: dict[str, str]) -> None:
    signer, other = secrets.randbelow(10**12) + 1, secrets.randbelow(10**12) + 10**12
    assert _attempts(env, signer, 5) == ["allowed"] * 5
    assert _attempts(env, signer, 1) == ["refused"]
    # The count is the signer's own: another signer in a third process may still try.
    assert _attempts(env, other, 1) == ["allowed"]


def test_database_cache_is_shared_between_processes(tmp_path: Path) -> None:
    env = _environment(DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    _process(env, "manage.py", "createcachetable")
    _the_sixth_attempt_in_another_process_is_refused(env)


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server answers at {url} (CI runs one; set REDIS_URL to test another)")
    return url


def test_redis_cache_is_shared_between_processes(tmp_path: Path) -> None:
    env = _environment(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}", REDIS_URL=_redis_url())
    _the_sixth_attempt_in_another_process_is_refused(env)


# ----------------------------------------------------------------------------- two servers

TOO_MANY = "Too many failed login attempts"


@contextmanager
def _gunicorn(env: dict[str, str]) -> Iterator[str]:
    """A gunicorn server (one worker) on a socket opened here, so requests wait in its backlog
    until the server accepts them; its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    command = [str(Path(sys.executable).parent / "gunicorn"), "iasios.wsgi", "--workers", "1"]
    server = subprocess.Popen(
        [*command, "--bind", f"fd://{listener.fileno()}", "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
        pass_fds=[listener.fileno()],
    )
    listener.close()  # the server holds it now
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _failed_login(base_url: str, email: str) -> str:
    """A log-in with a wrong password on `base_url`'s log-in page; the page that answers."""
    session = requests.Session()
    # As behind a proxy, both servers are asked for one host name (allauth keys the count by it).
    session.headers["Host"] = "localhost"
    form = session.get(f"{base_url}/accounts/login/", timeout=60)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert form.status_code == 200 and match
    answer = session.post(
        f"{base_url}/accounts/login/",
        data={"csrfmiddlewaretoken": match.group(1), "login": email, "password": "not-the-password"},
        timeout=60,
    )
    assert answer.status_code in (200, 400)
    return answer.text


def test_the_login_limit_holds_across_two_servers(tmp_path: Path) -> None:
    env = _environment(DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}", DEBUG="0")
    _process(env, "manage.py", "migrate", "--no-input", "-v", "0")  # the cache's table comes with it
    email = f"someone-{secrets.token_hex(4)}@example.org"
    with _gunicorn(env) as first, _gunicorn(env) as second:
        for _attempt in range(5):
            assert TOO_MANY not in _failed_login(first, email)
        assert TOO_MANY in _failed_login(second, email)
        assert TOO_MANY not in _failed_login(second, f"other-{email}")  # the count is per log-in
