"""GRAS matrix balancing: scale a matrix with mixed signs to given row and column sums.

Generalised RAS (GRAS) after Junius & Oosterhaven (2003), "The solution of updating or
regionalizing a matrix with both positive and negative entries", *Economic Systems
Research* 15(1), 87-96, in the corrected formulation of Temurshoev, Miller &
Bouwmeester (2013), "A note on the GRAS method", *Economic Systems Research* 25(3),
361-367 (TMB 2013).

Write ``X0 = P - N`` with ``P`` the positive parts and ``N`` the absolute values of the
negative parts. The solution has the form (TMB 2013)::

    X = r̂ P ŝ - r̂⁻¹ N ŝ⁻¹

with positive row multipliers ``r`` and column multipliers ``s``. With ``s`` fixed, row
``i`` must satisfy ``r_i p_i(s) - n_i(s⁻¹) / r_i = u_i`` where ``p_i(s) = Σ_j p_ij s_j``
and ``n_i(s⁻¹) = Σ_j n_ij / s_j``; its positive root is (TMB 2013)::

    r_i = (u_i + sqrt(u_i² + 4 p_i n_i)) / (2 p_i)

which reduces to ``r_i = u_i / p_i`` when ``n_i = 0`` and to ``r_i = -n_i / u_i`` when
``p_i = 0``. For ``u_i < 0`` the algebraically equal form ``2 n_i / (sqrt(...) - u_i)``
is used to avoid cancellation. Columns are solved the same way with ``r`` fixed, and the
two steps alternate. Positive cells stay positive, negative cells stay negative and zero
cells stay zero.

Fixed cells keep their ``X0`` value: their sums are taken off the targets and only the
free cells are balanced. A row (column) whose remaining target is zero (within the
tolerance) and whose free nonzero entries all have the same sign can only be met by
setting those entries to zero; they are set to zero and take no further part (the limit
``r_i -> 0`` or ``r_i -> ∞`` of the GRAS solution).

Convergence measure
-------------------
``max_residual = max( max_i |Σ_j x_ij - u_i| / max(1, |u_i|),
                      max_j |Σ_i x_ij - v_j| / max(1, |v_j|) )``

i.e. the largest row or column discrepancy, absolute for targets with magnitude up to 1
and relative above, measured against the caller's targets (fixed cells included).
Iteration stops as soon as it is ``<= tol``; the reported value is recomputed from the
returned matrix. If ``X0`` already meets it, ``X0`` is returned unchanged (0 iterations).

Feasibility
-----------
Before iterating, :func:`gras` checks necessary conditions and raises
:class:`InfeasibleTargetsError` naming every offending row and column: totals that
differ (``|Σu - Σv| > tol * max(1, Σ|u|, Σ|v|)``), a nonzero target with only fixed
cells, a nonzero target whose free entries are all zero, and a target whose sign is
opposite to all free entries. A target counts as zero when what is left of it after the
fixed cells is at most ``tol * max(1, |target|)``. These conditions are not sufficient (feasibility in general
is a flow problem over the sign pattern); a problem that passes them but has no GRAS
solution shows up as non-convergence or diverging multipliers (:class:`GrasConvergenceError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "FeasibilityProblem",
    "GrasConvergenceError",
    "GrasResult",
    "InfeasibleTargetsError",
    "Move",
    "gras",
    "gras_frame",
]

#: Below this share of nonzero cells a sign part is stored as coordinates (bincount
#: matvec) instead of a dense array; dense BLAS matvec is faster above it.
_SPARSE_DENSITY = 0.02


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class FeasibilityProblem:
    """One reason why the targets cannot be met.

    ``kind`` is ``"totals"``, ``"only_fixed"``, ``"all_zero"`` or ``"opposite_sign"``;
    ``axis`` is ``"row"``, ``"column"`` or ``None`` (totals); ``index`` the 0-based
    position and ``label`` the caller's label (or ``None``).
    """

    kind: str
    axis: str | None
    index: int | None
    label: Any
    message: str

    def __str__(self) -> str:
        return self.message


class InfeasibleTargetsError(ValueError):
    """The targets cannot be met by GRAS; ``problems`` lists every offending row/column."""

    def __init__(self, problems: list[FeasibilityProblem]):
        self.problems = problems
        lines = "\n".join(f"  - {p.message}" for p in problems)
        super().__init__(f"GRAS targets are infeasible ({len(problems)} problem(s)):\n{lines}")


class GrasConvergenceError(RuntimeError):
    """GRAS stopped (``max_iter`` reached or multipliers diverged) above the tolerance."""

    def __init__(self, message: str, iterations: int, max_residual: float, result: GrasResult | None):
        self.iterations = iterations
        self.max_residual = max_residual
        self.result = result
        super().__init__(message)


# --------------------------------------------------------------------------- result


class Move(NamedTuple):
    """A cell's change: position, value before and after, ``after - before`` and the
    relative change ``(after - before) / |before|`` (0 where ``before == 0``)."""

    row: int
    col: int
    before: float
    after: float
    change: float
    rel_change: float


@dataclass
class GrasResult:
    """Outcome of :func:`gras`.

    ``matrix = X0[fixed] + r̂ P̃ ŝ - r̂⁻¹ Ñ ŝ⁻¹`` where ``P̃``/``Ñ`` are the positive and
    absolute negative parts of ``X0`` on the ``active`` cells (free, nonzero, not forced
    to zero by a zero target); other free cells are zero. ``max_residual`` is the
    convergence measure of the module docstring, computed on ``matrix``. ``x0`` is the
    input as float64 (not copied when it already was).
    """

    matrix: NDArray[np.float64]
    iterations: int
    max_residual: float
    row_multipliers: NDArray[np.float64]
    col_multipliers: NDArray[np.float64]
    converged: bool
    x0: NDArray[np.float64] = field(repr=False)
    active: NDArray[np.bool_] = field(repr=False)

    def largest_moves(self, k: int = 10, by: str = "absolute") -> list[Move]:
        """The ``k`` cells that changed most, by ``|change|`` (``by="absolute"``) or by
        ``|rel_change|`` (``by="relative"``); cells that did not change are left out."""
        if by not in ("absolute", "relative"):
            raise ValueError(f"by must be 'absolute' or 'relative', not {by!r}")
        change = self.matrix - self.x0
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(self.x0 != 0, change / np.abs(self.x0), 0.0)
        key = np.abs(change if by == "absolute" else rel).ravel()
        k = int(min(max(k, 0), np.count_nonzero(key)))
        if k == 0:
            return []
        top = np.argpartition(-key, k - 1)[:k] if k < key.size else np.arange(key.size)
        top = top[np.argsort(-key[top], kind="stable")]
        n = self.matrix.shape[1]
        return [
            Move(int(f // n), int(f % n), float(self.x0.flat[f]), float(self.matrix.flat[f]),
                 float(change.flat[f]), float(rel.flat[f]))
            for f in top
        ]


# --------------------------------------------------------------------------- internals


class _Part:
    """``sign * x0`` on ``mask`` (P or N, nonnegative), offering ``A @ x`` and ``y @ A``."""

    def __init__(self, x0: NDArray[np.float64], mask: NDArray[np.bool_], sign: float):
        self.shape = x0.shape
        nnz = int(np.count_nonzero(mask))
        self.dense: NDArray[np.float64] | None = None
        if nnz < _SPARSE_DENSITY * x0.size:
            self.rows, self.cols = np.nonzero(mask)
            self.vals = sign * x0[self.rows, self.cols]
        else:
            self.dense = np.where(mask, x0, 0.0)
            if sign < 0:
                np.negative(self.dense, out=self.dense)

    def matvec(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.dense is not None:
            return self.dense @ x
        return np.bincount(self.rows, weights=self.vals * x[self.cols], minlength=self.shape[0])

    def rmatvec(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.dense is not None:
            return y @ self.dense
        return np.bincount(self.cols, weights=self.vals * y[self.rows], minlength=self.shape[1])

    def mark(self, mask: NDArray[np.bool_]) -> None:
        """Set ``mask`` on the cells this part holds."""
        if self.dense is not None:
            mask |= self.dense > 0
        else:
            mask[self.rows, self.cols] = True

    def add_scaled(
        self, out: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64], sign: float
    ) -> None:
        """``out += sign * diag(a) A diag(b)``; scales a dense part in place (last use)."""
        if self.dense is not None:
            tmp = self.dense
            tmp *= a[:, None]
            tmp *= b
            if sign > 0:
                out += tmp
            else:
                out -= tmp
            self.dense = None
        else:
            out[self.rows, self.cols] += sign * self.vals * a[self.rows] * b[self.cols]


def _multiplier(
    t: NDArray[np.float64], p: NDArray[np.float64], n: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Positive root of ``x p - n / x = t`` (TMB 2013), 1 where ``p = n = 0``."""
    d = np.sqrt(t * t + 4.0 * p * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(t >= 0, (t + d) / (2.0 * p), (2.0 * n) / (d - t))
    x[(p == 0) & (n == 0)] = 1.0
    return x


def _name(axis: str, i: int, labels: Sequence[Any] | None, noun: str | None) -> str:
    where = f"{axis} {i}"
    if labels is None:
        return where
    return f"{noun or axis} {labels[i]!r} ({where})"


def _residual(
    row_sums: NDArray[np.float64],
    col_sums: NDArray[np.float64],
    u: NDArray[np.float64],
    v: NDArray[np.float64],
    su: NDArray[np.float64],
    sv: NDArray[np.float64],
) -> float:
    """The convergence measure: largest |sum - target| / max(1, |target|) over rows and columns."""
    r = np.max(np.abs(row_sums - u) / su, initial=0.0)
    c = np.max(np.abs(col_sums - v) / sv, initial=0.0)
    return float(max(r, c))


# --------------------------------------------------------------------------- API


def gras(
    x0: ArrayLike,
    u: ArrayLike,
    v: ArrayLike,
    fixed: ArrayLike | None = None,
    tol: float = 1e-9,
    max_iter: int = 10_000,
    *,
    row_labels: Sequence[Any] | None = None,
    col_labels: Sequence[Any] | None = None,
    row_name: str | None = None,
    col_name: str | None = None,
    raise_on_nonconvergence: bool = True,
) -> GrasResult:
    """Balance ``x0`` (m×n) to row sums ``u`` (m) and column sums ``v`` (n) by GRAS.

    Junius & Oosterhaven (2003); Temurshoev, Miller & Bouwmeester (2013). ``fixed``
    (bool m×n) marks cells kept at their ``x0`` value. Iterates until the convergence
    measure (module docstring) is ``<= tol``; raises :class:`GrasConvergenceError` after
    ``max_iter`` iterations unless ``raise_on_nonconvergence=False`` (then the result has
    ``converged=False``). Infeasible targets raise :class:`InfeasibleTargetsError` before
    iterating; ``row_labels``/``col_labels`` (and the nouns ``row_name``/``col_name``,
    e.g. ``"product"``) name rows and columns in its messages.

    The steps, one function each: check the arguments; return ``X0`` if it already
    meets the targets; take the fixed cells off the targets (:func:`_free_problem`);
    drop the cells a zero target forces to zero (:func:`_force_zeros`); check
    feasibility (:func:`_feasibility_problems`); iterate the multipliers
    (:func:`_iterate`); assemble ``X = X0[fixed] + r̂Pŝ − r̂⁻¹Nŝ⁻¹`` (:func:`_assemble`).
    """
    x0, u, v, fx = _checked_arguments(x0, u, v, fixed, tol, max_iter, row_labels, col_labels)
    m, n = x0.shape
    su = np.maximum(1.0, np.abs(u))  # residual scales
    sv = np.maximum(1.0, np.abs(v))
    res0 = _residual(x0.sum(axis=1), x0.sum(axis=0), u, v, su, sv)
    if res0 <= tol:  # already balanced: X0 untouched
        active = (x0 != 0) if fx is None else (x0 != 0) & ~fx
        return GrasResult(x0.copy(), 0, res0, np.ones(m), np.ones(n), True, x0, active)
    free = _free_problem(x0, u, v, fx, tol * su, tol * sv)
    _force_zeros(free)
    problems = _feasibility_problems(free, u, v, tol, fx is not None, (row_labels, row_name), (col_labels, col_name))
    if problems:
        raise InfeasibleTargetsError(problems)
    P, N = _Part(x0, free.pos, +1.0), _Part(x0, free.neg, -1.0)
    del free.pos, free.neg
    r, s, it, res, converged = _iterate(P, N, free.u, free.v, su, sv, tol, max_iter)
    out, active = _assemble(x0, fx, P, N, r, s)
    final = _residual(out.sum(axis=1), out.sum(axis=0), u, v, su, sv)
    result = GrasResult(out, it, final, r, s, converged, x0, active)
    if not converged and raise_on_nonconvergence:
        raise GrasConvergenceError(
            f"GRAS did not converge in {it} iterations: max residual {res:.3e} > tol {tol:.1e}",
            it, float(res), result)
    return result


def _checked_arguments(
    x0: ArrayLike, u: ArrayLike, v: ArrayLike, fixed: ArrayLike | None, tol: float, max_iter: int,
    row_labels: Sequence[Any] | None, col_labels: Sequence[Any] | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_] | None]:
    """``x0``, ``u``, ``v`` as float64 and ``fixed`` as bool (``None`` when no cell is
    fixed), after checking shapes, finiteness, labels and the iteration settings."""
    x0 = np.asarray(x0, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64).ravel()
    v = np.asarray(v, dtype=np.float64).ravel()
    if x0.ndim != 2:
        raise ValueError(f"x0 must be 2-D, got shape {x0.shape}")
    m, n = x0.shape
    if u.shape != (m,) or v.shape != (n,):
        raise ValueError(f"targets must have shapes ({m},) and ({n},), got {u.shape} and {v.shape}")
    if not (np.isfinite(x0).all() and np.isfinite(u).all() and np.isfinite(v).all()):
        raise ValueError("x0 and the targets must be finite (no NaN or inf)")
    if row_labels is not None and len(row_labels) != m:
        raise ValueError(f"row_labels has {len(row_labels)} entries for {m} rows")
    if col_labels is not None and len(col_labels) != n:
        raise ValueError(f"col_labels has {len(col_labels)} entries for {n} columns")
    if tol < 0 or max_iter < 0:
        raise ValueError("tol and max_iter must be nonnegative")
    fx = None
    if fixed is not None:
        fx = np.asarray(fixed)
        if fx.shape != (m, n):
            raise ValueError(f"fixed must have shape {(m, n)}, got {fx.shape}")
        fx = fx.astype(bool, copy=False)
        if not fx.any():
            fx = None
    return x0, u, v, fx


@dataclass
class _Free:
    """The problem on the free cells: sign masks of ``P`` and ``N`` (JO 2003: ``X0 = P − N``),
    targets net of the fixed cells, and what each row and column holds."""

    pos: NDArray[np.bool_]
    neg: NDArray[np.bool_]
    u: NDArray[np.float64]
    v: NDArray[np.float64]
    has_free_row: NDArray[np.bool_]
    has_free_col: NDArray[np.bool_]
    zero_u: NDArray[np.bool_]  # remaining target zero within the tolerance
    zero_v: NDArray[np.bool_]
    nonzero_row: NDArray[np.bool_]  # a free nonzero entry in X0
    nonzero_col: NDArray[np.bool_]


def _free_problem(
    x0: NDArray[np.float64], u: NDArray[np.float64], v: NDArray[np.float64], fx: NDArray[np.bool_] | None,
    atol_u: NDArray[np.float64], atol_v: NDArray[np.float64],
) -> _Free:
    """Split the free cells into positive and negative parts (JO 2003, ``X0 = P − N``)
    and take the fixed cells' sums off the targets (module docstring, fixed cells)."""
    m, n = x0.shape
    if fx is None:
        pos, neg = x0 > 0, x0 < 0
        uf, vf = u, v
        has_free_row, has_free_col = np.full(m, n > 0), np.full(n, m > 0)
    else:
        free = ~fx
        pos, neg = (x0 > 0) & free, (x0 < 0) & free
        xf = np.where(fx, x0, 0.0)
        uf, vf = u - xf.sum(axis=1), v - xf.sum(axis=0)
        del xf
        has_free_row, has_free_col = free.any(axis=1), free.any(axis=0)
    return _Free(pos, neg, uf, vf, has_free_row, has_free_col, np.abs(uf) <= atol_u, np.abs(vf) <= atol_v,
                 (pos | neg).any(axis=1), (pos | neg).any(axis=0))


def _force_zeros(free: _Free) -> None:
    """A zero target whose free entries have one sign forces them to zero: the limit
    ``r_i → 0`` or ``r_i → ∞`` of the GRAS solution (TMB 2013). Repeated, since
    removing cells can leave another row or column single-signed."""
    pos, neg = free.pos, free.neg
    m, n = pos.shape
    keep_row, keep_col = np.ones(m, bool), np.ones(n, bool)
    while True:
        prow = (pos.any(axis=1)) & keep_row
        nrow = (neg.any(axis=1)) & keep_row
        pcol = (pos.any(axis=0)) & keep_col
        ncol = (neg.any(axis=0)) & keep_col
        kill_r = free.zero_u & (prow ^ nrow)
        kill_c = free.zero_v & (pcol ^ ncol)
        if not (kill_r.any() or kill_c.any()):
            return
        keep_row &= ~kill_r
        keep_col &= ~kill_c
        pos[kill_r, :] = False
        neg[kill_r, :] = False
        pos[:, kill_c] = False
        neg[:, kill_c] = False


def _feasibility_problems(
    free: _Free, u: NDArray[np.float64], v: NDArray[np.float64], tol: float, has_fixed: bool,
    rows: tuple[Sequence[Any] | None, str | None], cols: tuple[Sequence[Any] | None, str | None],
) -> list[FeasibilityProblem]:
    """Necessary conditions for a GRAS solution (module docstring, feasibility): equal
    totals, and per row and column a free entry able to carry the target's sign
    (``r_i p_i − n_i / r_i = u_i`` has a positive root only then, TMB 2013)."""
    problems: list[FeasibilityProblem] = []
    tu, tv = float(free.u.sum()), float(free.v.sum())
    scale = max(1.0, float(np.abs(u).sum()), float(np.abs(v).sum()))
    if abs(tu - tv) > tol * scale:
        what = "after fixed cells " if has_fixed else ""
        problems.append(FeasibilityProblem(
            "totals", None, None, None,
            f"row targets sum to {tu:.10g} but column targets to {tv:.10g} {what}"
            f"(difference {tu - tv:.3g}, tolerance {tol * scale:.3g})"))
    problems += _axis_problems("row", free.u, free.zero_u, free.has_free_row, free.nonzero_row,
                               free.pos.any(axis=1), free.neg.any(axis=1), *rows)
    problems += _axis_problems("column", free.v, free.zero_v, free.has_free_col, free.nonzero_col,
                               free.pos.any(axis=0), free.neg.any(axis=0), *cols)
    return problems


def _axis_problems(
    axis: str, t: NDArray[np.float64], zero: NDArray[np.bool_], has_free: NDArray[np.bool_], nz: NDArray[np.bool_],
    hp: NDArray[np.bool_], hn: NDArray[np.bool_], labels: Sequence[Any] | None, noun: str | None,
) -> list[FeasibilityProblem]:
    """Rows (or columns) whose target no free entry can meet: only fixed cells, all free
    entries zero or forced to zero, or every free entry of the opposite sign."""
    other = "columns" if axis == "row" else "rows"
    has = "has target {t:.10g} (after fixed cells) but"
    kinds = (
        ("only_fixed", ~zero & ~has_free,
         "has only fixed cells, which leave {t:.10g} of its target unmet"),
        ("all_zero", ~zero & has_free & ~nz, f"{has} all its free entries are zero"),
        ("all_zero", ~zero & nz & ~hp & ~hn,
         f"{has} its free entries lie only in zero-target {other}, which force them to zero"),
        ("opposite_sign", (t > 0) & ~zero & ~hp & hn,
         "has target {t:.10g} > 0 but all its free entries are <= 0"),
        ("opposite_sign", (t < 0) & ~zero & hp & ~hn,
         "has target {t:.10g} < 0 but all its free entries are >= 0"),
    )
    problems = []
    for kind, bad, text in kinds:
        for i in map(int, np.flatnonzero(bad)):
            label = None if labels is None else labels[i]
            message = f"{_name(axis, i, labels, noun)} {text.format(t=t[i])}"
            problems.append(FeasibilityProblem(kind, axis, i, label, message))
    return problems


def _iterate(
    P: _Part, N: _Part, uf: NDArray[np.float64], vf: NDArray[np.float64], su: NDArray[np.float64],
    sv: NDArray[np.float64], tol: float, max_iter: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, float, bool]:
    """Alternate the multipliers (TMB 2013): ``r`` from ``s`` (each row
    ``r_i p_i(s) − n_i(s⁻¹)/r_i = u_i`` solved by its positive root, :func:`_multiplier`),
    then ``s`` from ``r`` the same way by column, until the residual is ``<= tol``.
    Returns (r, s, iterations, last residual, converged)."""
    m, n = P.shape
    r, s, inv_s = np.ones(m), np.ones(n), np.ones(n)
    pr, nr = P.matvec(s), N.matvec(inv_s)
    res, it = np.inf, 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # divergence checked below
        while it < max_iter:
            it += 1
            r = _multiplier(uf, pr, nr)
            inv_r = 1.0 / r
            pc, nc = P.rmatvec(r), N.rmatvec(inv_r)
            s = _multiplier(vf, pc, nc)
            inv_s = 1.0 / s
            if not (np.isfinite(r).all() and np.isfinite(s).all() and r.all() and s.all()):
                raise GrasConvergenceError(
                    f"GRAS multipliers diverged in iteration {it} (last max residual {res:.3e}); the "
                    "targets are probably infeasible for the sign pattern of the free cells",
                    it, float(res), None)
            pr, nr = P.matvec(s), N.matvec(inv_s)
            res = _residual(r * pr - nr * inv_r, s * pc - nc * inv_s, uf, vf, su, sv)
            if res <= tol:
                return r, s, it, res, True
    return r, s, it, res, False


def _assemble(
    x0: NDArray[np.float64], fx: NDArray[np.bool_] | None, P: _Part, N: _Part, r: NDArray[np.float64],
    s: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The balanced matrix ``X = X0[fixed] + r̂Pŝ − r̂⁻¹Nŝ⁻¹`` (JO 2003; TMB 2013) and
    the cells it scaled (the parts are consumed)."""
    m, n = x0.shape
    active = np.zeros((m, n), bool)
    P.mark(active)
    N.mark(active)
    out = np.where(fx, x0, 0.0) if fx is not None else np.zeros((m, n))
    P.add_scaled(out, r, s, +1.0)
    N.add_scaled(out, 1.0 / r, 1.0 / s, -1.0)
    return out, active


def gras_frame(
    x0: pd.DataFrame,
    u: pd.Series,
    v: pd.Series,
    fixed: pd.DataFrame | None = None,
    **kw: Any,
) -> tuple[pd.DataFrame, GrasResult]:
    """:func:`gras` on labelled data: ``u`` is aligned to ``x0.index``, ``v`` to
    ``x0.columns``, ``fixed`` to both (missing cells are free). Labels (and the index
    and column names as nouns) are passed on for error messages."""
    for what, idx in (("x0.index", x0.index), ("x0.columns", x0.columns)):
        if not idx.is_unique:
            raise ValueError(f"{what} has duplicate labels")
    for what, target, idx in (("u", u, x0.index), ("v", v, x0.columns)):
        missing, extra = idx.difference(target.index), target.index.difference(idx)
        if len(missing) or len(extra):
            raise ValueError(
                f"{what} does not match the labels of x0: missing {list(missing)}, extra {list(extra)}"
            )
    fx = None
    if fixed is not None:
        extra = list(fixed.index.difference(x0.index)) + list(fixed.columns.difference(x0.columns))
        if extra:
            raise ValueError(f"fixed has labels not in x0: {extra}")
        aligned = fixed.reindex(index=x0.index, columns=x0.columns, fill_value=False)
        fx = aligned.fillna(False).to_numpy(dtype=bool)
    kw.setdefault("row_labels", list(x0.index))
    kw.setdefault("col_labels", list(x0.columns))
    kw.setdefault("row_name", None if x0.index.name is None else str(x0.index.name))
    kw.setdefault("col_name", None if x0.columns.name is None else str(x0.columns.name))
    result = gras(
        x0.to_numpy(dtype=np.float64),
        u.reindex(x0.index).to_numpy(dtype=np.float64),
        v.reindex(x0.columns).to_numpy(dtype=np.float64),
        fx,
        **kw,
    )
    return pd.DataFrame(result.matrix, index=x0.index, columns=x0.columns), result
