"""The optimal full-domain generalisation: the node of the lattice that satisfies the privacy
model and scores lowest on the metric, with the proof that no other node scores lower, found
without looking at most of them:

- For the loss and entropy metrics the part without suppression is known for every node before
  evaluating any. For monotone models the suppressed records of a node include those of every
  node above it, so the suppression cost of an evaluated node bounds the nodes below it. Nodes
  are taken in order of these bounds; the search ends when no node left can score lower than
  the best found.
- For monotone models a node that fails tags every node below it as failing, one that passes
  every node above it as passing ("predictive tagging"). To tag many nodes at once, an unknown
  node is decided by a binary search along a path from it to the top of the lattice.
- Entropy l-diversity and t-closeness with suppression are not monotone. For them the failing
  tags and the suppression bounds come from a monotone relaxation of the model (see
  `models.monotone_relaxation`): what fails the relaxation fails the model, and what the
  relaxation suppresses the model suppresses too. Passing nodes are evaluated one by one.

The metric is deliberately not assumed monotone: with suppression, generalising can release
records that were suppressed and so lower the loss, so the optimum need not be a lowest node
that satisfies the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from offenestadt.anonymize.lattice import (
    Evaluation,
    Evaluator,
    FloatArray,
    IntArray,
    Lattice,
    Progress,
)


@dataclass
class SearchResult:
    levels: tuple[int, ...]
    evaluation: Evaluation
    lattice_size: int
    evaluated: int
    evaluations: list[Evaluation] = field(default_factory=list)


def _base_bounds(evaluator: Evaluator, lattice: Lattice) -> tuple[FloatArray, bool]:
    """Each node's lower bound of the metric without suppression, and whether it is exact.

    An additive metric sums its levels' parts exactly; the others get the bound from the most
    equivalence classes the node's labels could form.
    """
    measure = evaluator.metric
    n = lattice.size
    if measure.additive:
        bound = np.full(n, measure.constant)
        for column in range(len(evaluator.hierarchies)):
            bound += measure.level_bases[column][lattice.levels[:, column]]
        return bound, True
    labels = np.ones(n)
    for column, counts in enumerate(evaluator.label_counts):
        labels *= np.asarray(counts, dtype=np.float64)[lattice.levels[:, column]]
    classes = np.minimum(labels, float(len(evaluator.bottom.counts)))
    return float(evaluator.rows) ** 2 / np.maximum(classes, 1.0), False


def _bisect_path(
    path: list[int], loose: npt.NDArray[np.int8], evaluate: Callable[[int], None]
) -> None:
    """Find the lowest node on ``path`` that meets the relaxed model by binary search,
    evaluating only the nodes not yet decided (``loose`` 0)."""
    low, high = 0, len(path)
    while low < high:
        middle = (low + high) // 2
        if loose[path[middle]] == 0:
            evaluate(path[middle])
        if loose[path[middle]] > 0:
            high = middle
        else:
            low = middle + 1


def _mark_neighbours(
    evaluation: Evaluation,
    above: IntArray,
    below: IntArray,
    status: npt.NDArray[np.int8],
    loose: npt.NDArray[np.int8],
    extra_bound: FloatArray,
) -> None:
    """What one evaluated node tells about the nodes above and below it: a failure that holds
    downwards fails them all; a pass of the relaxed model passes everything above; and the
    suppression the node needed bounds what any node below needs."""
    if evaluation.fails_below:
        status[below] = -1
        loose[below] = -1
    else:
        tags = loose[above]
        tags[tags == 0] = 1
        loose[above] = tags
    if 0 < evaluation.extra_below < math.inf:
        extra_bound[below] = np.maximum(extra_bound[below], evaluation.extra_below)


def search(evaluator: Evaluator, progress: Progress | None = None) -> SearchResult | None:
    """The node of lowest metric value that satisfies the model, or None when none does.

    Among nodes of equal value the one found first wins; the search order is deterministic.
    """
    model = evaluator.model
    hierarchies = evaluator.hierarchies
    measure = evaluator.metric
    lattice = Lattice([h.height for h in hierarchies])
    n = lattice.size
    monotone = model.monotone

    # Lower bounds, raw (unscaled): the part without suppression, and the suppression part.
    base_bound, exact_base = _base_bounds(evaluator, lattice)
    extra_bound = np.zeros(n)
    status = np.zeros(n, dtype=np.int8)  # 1 satisfies the model, -1 fails, 0 unknown
    # The same for the monotone relaxation of the model (the model itself when it is monotone).
    loose = status if monotone else np.zeros(n, dtype=np.int8)
    done = np.zeros(n, dtype=bool)
    best: Evaluation | None = None
    best_raw = math.inf
    evaluations: list[Evaluation] = []
    alive = np.arange(n, dtype=np.int64)

    def threshold() -> float:
        """Bounds at or above this cannot beat the best node found."""
        return best_raw - 1e-12 * max(1.0, abs(best_raw)) if best else math.inf

    def record(number: int, evaluation: Evaluation) -> None:
        nonlocal best, best_raw
        evaluations.append(evaluation)
        done[number] = True
        raw = evaluation.base + evaluation.extra
        above = lattice.above(number)
        below = lattice.below(number)
        if not exact_base:
            base_bound[above] = np.maximum(base_bound[above], evaluation.base)
        status[number] = 1 if evaluation.satisfied else -1
        if evaluation.satisfied and raw < threshold():
            best, best_raw = evaluation, raw
        _mark_neighbours(evaluation, above, below, status, loose, extra_bound)

    def evaluate(number: int) -> None:
        record(number, evaluator.evaluate(tuple(int(x) for x in lattice.levels[number])))

    while True:
        open_ = alive[(status[alive] >= 0) & ~done[alive]]
        bounds = base_bound[open_] + extra_bound[open_]
        keep = bounds < threshold()
        alive = open_[keep]
        if progress is not None:
            progress("search", n - len(alive), n)
        if not len(alive):
            break
        bounds = bounds[keep]
        pick = np.lexsort((alive, lattice.height[alive], bounds))[0]
        node = int(alive[pick])
        if loose[node] == 0:
            # Decide the node with a binary search for the lowest node on a path up that meets
            # the (relaxed) model: the one below it fails, and so do all nodes under that one.
            _bisect_path(lattice.path_up(node), loose, evaluate)
            continue
        if status[node] == 1 and exact_base and evaluator.limit == 0 and monotone:
            # Nothing may be suppressed, so a node known to pass has no suppression cost.
            levels = tuple(int(x) for x in lattice.levels[node])
            raw = float(base_bound[node])
            record(node, Evaluation(levels, True, 0, None, raw, 0.0, raw * measure.scale))
            continue
        evaluate(node)

    if best is None:
        return None
    return SearchResult(
        levels=best.levels,
        evaluation=best,
        lattice_size=n,
        evaluated=sum(1 for e in evaluations if e.classes is not None),
        evaluations=evaluations,
    )
