"""Benchmark compiler.accounts.balance.gras against the target "GRAS to 1e-9 under 5 s".

Builds a 2,000 × 2,000 table with 5 % negative cells (and 10 % zeros; lognormal
magnitudes, sigma 2), takes its
targets from a *different* random matrix with the same sign pattern, perturbs those
row/column sums by up to ±10 % (rescaled so Σu = Σv), and balances to tol = 1e-9.
Reports wall time, iterations, final residual and peak memory (tracemalloc peak from a
second, traced run; ru_maxrss of the process). As a peer, a straightforward GRAS with
per-row/per-column Python loops runs on the 300 × 300 top-left block, next to
``gras`` on the same block.

Usage: python benchmarks/bench_gras.py [--size 2000] [--seed 0] [--sigma 2] [--perturb 0.1]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compiler.accounts.balance import gras  # noqa: E402

TARGET_SECONDS = 5.0
TOL = 1e-9


def make_problem(m: int, n: int, rng: np.random.Generator, sigma=2.0, perturb=0.10,
                 neg_share=0.05, zero_share=0.10):
    """X0 with the given sign pattern (lognormal magnitudes, heavy-tailed like supply-use
    cells) and consistent targets: sums of another draw with the same pattern, perturbed
    by up to ±``perturb``."""
    draw = rng.random((m, n))
    sign = np.where(draw < neg_share, -1.0, 1.0)
    sign[(draw >= neg_share) & (draw < neg_share + zero_share)] = 0.0
    x0 = sign * rng.lognormal(0.0, sigma, (m, n))
    other = sign * rng.lognormal(0.0, sigma, (m, n))  # same pattern, different values
    u = other.sum(axis=1) * (1 + rng.uniform(-perturb, perturb, m))
    v = other.sum(axis=0) * (1 + rng.uniform(-perturb, perturb, n))
    v += (u.sum() - v.sum()) * np.abs(v) / np.abs(v).sum()  # make Σv = Σu
    return x0, u, v


def naive_gras(x0, u, v, tol=TOL, max_iter=10_000):
    """GRAS (TMB 2013) written plainly: Python loops over rows and columns."""
    m, n = x0.shape
    p, nn = np.maximum(x0, 0), np.maximum(-x0, 0)
    r, s = np.ones(m), np.ones(n)

    def root(t, a, b):
        if a == 0 and b == 0:
            return 1.0
        if a == 0:
            return -b / t
        if b == 0:
            return t / a
        return (t + np.sqrt(t * t + 4 * a * b)) / (2 * a)

    for it in range(1, max_iter + 1):
        for i in range(m):
            r[i] = root(u[i], p[i] @ s, nn[i] @ (1 / s))
        for j in range(n):
            s[j] = root(v[j], p[:, j] @ r, nn[:, j] @ (1 / r))
        x = r[:, None] * p * s - nn / r[:, None] / s
        res = max(
            np.max(np.abs(x.sum(axis=1) - u) / np.maximum(1, np.abs(u))),
            np.max(np.abs(x.sum(axis=0) - v) / np.maximum(1, np.abs(v))),
        )
        if res <= tol:
            return x, it, res
    raise RuntimeError("naive GRAS did not converge")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--peer-size", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sigma", type=float, default=2.0, help="lognormal sigma of cell magnitudes")
    ap.add_argument("--perturb", type=float, default=0.10, help="max relative perturbation of the sums")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    m = n = args.size
    x0, u, v = make_problem(m, n, rng, args.sigma, args.perturb)
    print(f"table {m} x {n}: {np.mean(x0 < 0):.1%} negative, {np.mean(x0 == 0):.1%} zero cells; "
          f"Σu - Σv = {u.sum() - v.sum():.2e}")

    gras(x0[:50, :50], x0[:50, :50].sum(1), x0[:50, :50].sum(0))  # warm-up (imports, BLAS)
    t0 = time.perf_counter()
    res = gras(x0, u, v, tol=TOL)
    wall = time.perf_counter() - t0
    signs_ok = bool(np.all(np.sign(res.matrix) == np.sign(x0)))

    tracemalloc.start()
    gras(x0, u, v, tol=TOL)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    ok = res.converged and res.max_residual <= TOL and wall < TARGET_SECONDS
    print(f"gras {m}x{n}: {wall:.3f} s, {res.iterations} iterations, max residual {res.max_residual:.2e}, "
          f"signs kept: {signs_ok}")
    print(f"  peak memory: tracemalloc {peak / 2**20:.1f} MiB "
          f"(input x0 itself is {x0.nbytes / 2**20:.1f} MiB), ru_maxrss {maxrss_mb:.1f} MiB")
    print(f"  target 'GRAS to 1e-9 under {TARGET_SECONDS:.0f} s': {'MET' if ok else 'NOT MET'}")

    k = args.peer_size
    xs, us, vs = make_problem(k, k, np.random.default_rng(args.seed + 1), args.sigma, args.perturb)
    t0 = time.perf_counter()
    fast = gras(xs, us, vs, tol=TOL)
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow, it_slow, res_slow = naive_gras(xs, us, vs)
    t_slow = time.perf_counter() - t0
    diff = float(np.max(np.abs(fast.matrix - slow)))
    print(f"peer {k}x{k}: gras {t_fast * 1e3:.1f} ms "
          f"({fast.iterations} it, residual {fast.max_residual:.1e}); "
          f"Python-loop GRAS {t_slow * 1e3:.1f} ms ({it_slow} it, residual {res_slow:.1e}); "
          f"speed-up {t_slow / t_fast:.0f}x; max |difference| {diff:.1e}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
