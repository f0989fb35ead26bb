"""The seeded draw of the case review sample, as pure functions (docs/case-review-sampling.md).

Nothing here touches the database: the same rows and the same seed give the same sequence on
any machine, in any language that has SHA-256 and HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

ALGORITHM_RANK_V1 = "icr-hmac-sha256-rank-v1"
CURRENT_ALGORITHM = ALGORITHM_RANK_V1
SEED_BYTES = 16


@dataclass(frozen=True)
class LogRow:
    reference: str
    procedure_date: date
    category: str


def new_seed() -> str:
    """A fresh seed from the operating system's secure random source, as 32 lowercase hex digits."""
    return secrets.token_hex(SEED_BYTES)


def canonical_log_text(rows: Iterable[LogRow]) -> str:
    """One line per case, sorted by reference (Unicode code point order):

    ``<reference> TAB <YYYY-MM-DD> TAB <category> LF``
    """
    ordered = sorted(rows, key=lambda r: r.reference)
    return "".join(f"{r.reference}\t{r.procedure_date.isoformat()}\t{r.category}\n" for r in ordered)


def log_sha256(rows: Iterable[LogRow]) -> str:
    return hashlib.sha256(canonical_log_text(rows).encode("utf-8")).hexdigest()


def _rank_v1(seed: str, log_hash: str, references: Sequence[str]) -> list[str]:
    key = bytes.fromhex(seed)
    prefix = log_hash.lower().encode("ascii") + b"\n"

    def rank(reference: str) -> tuple[bytes, str]:
        return hmac.new(key, prefix + reference.encode("utf-8"), hashlib.sha256).digest(), reference

    return sorted(sorted(references), key=rank)


ALGORITHMS: dict[str, Callable[[str, str, Sequence[str]], list[str]]] = {ALGORITHM_RANK_V1: _rank_v1}


class UnknownAlgorithm(ValueError):
    pass


def draw_sequence(
    *, seed: str, log_hash: str, references: Sequence[str], algorithm: str = CURRENT_ALGORITHM
) -> list[str]:
    """Every reference of the log in seeded order: the first N are the sample, then replacements."""
    try:
        function = ALGORITHMS[algorithm]
    except KeyError:
        raise UnknownAlgorithm(algorithm) from None
    return function(seed, log_hash, references)
