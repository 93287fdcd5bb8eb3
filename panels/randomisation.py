"""Seeded, stratified split between panel and control group.

Algorithm (see docs/panels.md):
1. each unit gets a pseudo-random key ``h(seed, redevable_id)`` (splitmix64): independent of
   input order, different for another seed;
2. units are sorted by (stratum, key, redevable_id): within a stratum, a random permutation;
3. systematic allocation along that order with an exact fraction ``p/q`` and a seeded offset
   ``o``: unit ``i`` is control iff ``floor(((i+1)p + o)/q) > floor((ip + o)/q)``. Any run of
   ``n`` consecutive units — a stratum, a structure — then holds ``floor(n·p/q)`` or
   ``ceil(n·p/q)`` controls: the control share holds in every stratum within rounding.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)

SALT_ORDER = 0x5A17_0001
SALT_OFFSET = 0x5A17_0002
SALT_CAPACITY = 0x5A17_0003


def _splitmix64(x: np.ndarray) -> np.ndarray:
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def stable_keys(ids: np.ndarray, seed: int, salt: int) -> np.ndarray:
    """Pseudo-random uint64 per id, a pure function of (id, seed, salt)."""
    s = _splitmix64(np.array([(seed ^ (salt << 32)) & 0xFFFF_FFFF_FFFF_FFFF], dtype=np.uint64))
    return _splitmix64(_splitmix64(ids.astype(np.int64).view(np.uint64)) ^ s)


def seeded_int(seed: int, salt: int, modulo: int) -> int:
    return int(stable_keys(np.array([0], dtype=np.int64), seed, salt)[0] % np.uint64(modulo))


def systematic_allocation(n: int, fraction: Fraction, offset: int) -> np.ndarray:
    """Boolean array: True for the units allocated to control along a sorted order."""
    p, q = fraction.numerator, fraction.denominator
    i = np.arange(n + 1, dtype=np.int64)
    cum = (i * p + (offset % q)) // q
    return np.diff(cum) > 0


def split_order(stratum_rank: np.ndarray, ids: np.ndarray, seed: int) -> np.ndarray:
    """Indices sorted by (stratum, random key, id)."""
    keys = stable_keys(ids, seed, SALT_ORDER)
    return np.lexsort((ids, keys, stratum_rank))


def allocate_controls(stratum_rank: np.ndarray, ids: np.ndarray, fraction: Fraction, seed: int) -> np.ndarray:
    """Control mask aligned with ``ids``: stratified, seeded, order-independent."""
    n = len(ids)
    order = split_order(stratum_rank, ids, seed)
    flags = systematic_allocation(n, fraction, seeded_int(seed, SALT_OFFSET, fraction.denominator))
    mask = np.zeros(n, dtype=bool)
    mask[order] = flags
    return mask


def capacity_pool_size(cap: int, fraction: Fraction) -> int:
    """Largest pool whose treated part cannot exceed ``cap`` under systematic allocation."""
    treated = 1 - fraction
    return (cap * treated.denominator) // treated.numerator
