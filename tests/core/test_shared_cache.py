"""The shipped cache is shared by every process: five failed signatures in one process, and the
sixth in another is refused. Once with the database cache (the default), once with Redis
(REDIS_URL, or the server on 127.0.0.1:6379 that CI runs)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
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
