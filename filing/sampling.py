"""The spot-check draw (抽查), written so that anyone can recompute it.

For each assistance type, with population P (the filed case numbers) and ratio r:

    n      = ceil(r × |P|)                       (0 when P is empty or r is 0)
    key(c) = SHA-256 of the UTF-8 text "<seed>|<case number>", as hexadecimal
    sample = the n case numbers with the smallest key(c)

The seed is drawn by the system (not chosen by the reviewer), and the seed, the
population and the ratios are stored with the check, so the sample can be recomputed
later, by this code or by hand with any SHA-256 tool, and must come out the same.
"""

import hashlib
import math
import secrets
from decimal import Decimal

ALGORITHM = "sha256-v1"


def new_seed() -> str:
    return secrets.token_hex(8)


def sample_size(population: int, ratio: Decimal) -> int:
    if population <= 0 or ratio <= 0:
        return 0
    # Decimal arithmetic: 0.3 × 10 is exactly 3, never 3.0000000000000004 → 4.
    return min(population, math.ceil(Decimal(ratio) * population))


def key(seed: str, case_number: str) -> str:
    return hashlib.sha256(f"{seed}|{case_number}".encode()).hexdigest()


def draw(seed: str, population: dict[str, list[str]], ratios: dict[str, str]
         ) -> dict[str, list[str]]:
    """{type: sorted sampled case numbers} for {type: case numbers} at {type: ratio}."""
    sample = {}
    for kind, numbers in sorted(population.items()):
        size = sample_size(len(numbers), Decimal(str(ratios.get(kind, "0"))))
        ranked = sorted(numbers, key=lambda number: key(seed, number))
        sample[kind] = sorted(ranked[:size])
    return sample
