"""Run as `python -m tests.core.limiter_probe USER_ID ATTEMPTS`: one process's failed signatures.

Each attempt asks the signature's rate limiter (allauth's, through the shipped settings and cache)
whether the signer may try again, and counts a failure when it may; prints one line per attempt,
"allowed" or "refused". tests/core/test_shared_cache.py runs it in separate processes.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace


def main(user_id: int, attempts: int) -> list[str]:
    import django

    django.setup()
    from allauth.core import ratelimit
    from django.test import RequestFactory

    from iasios.cycles.services import SIGNATURE_RATE_ACTION

    signer = SimpleNamespace(pk=user_id)
    request = RequestFactory().post("/")
    lines = []
    for _attempt in range(attempts):
        allowed = ratelimit.consume(request, action=SIGNATURE_RATE_ACTION, user=signer)
        lines.append("allowed" if allowed else "refused")
    return lines


if __name__ == "__main__":
    print("\n".join(main(int(sys.argv[1]), int(sys.argv[2]))))
