"""Replays precomputed learning curves through a tuning backend with parallel simulated workers,
and scores the result.

Every method sees the same thing: `workers` workers advance in lockstep, one epoch per worker per
tick (every epoch costs the same, whatever the configuration). A free worker asks the backend for
a trial, then for epochs 1, 2, ... reports the configuration's curve value and stops when the
backend says so, or completes the trial at the last epoch R. Compute is the number of epochs
reported, counted in the order they happen; the run ends when the budget is spent (trials still
open then are abandoned, their epochs counted). Only trials that reached R have a final loss:
a method's incumbent at compute c is the best final loss among trials completed by then.
"""

import collections
import math

import numpy as np

# One finished trial: the compute spent when it finished, its loss at R, its configuration.
Completion = collections.namedtuple("Completion", "compute loss index")


class RunResult:
    """What one method did on one seed."""

    def __init__(self, budget, completions, trials_started, epochs_per_trial, brackets):
        self.budget = budget
        self.completions = completions          # [Completion] by increasing compute
        self.trials_started = trials_started
        self.epochs_per_trial = epochs_per_trial  # [(config index, epochs trained)] in order
        self.brackets = brackets                # {bracket: trials started in it}

    def best_at(self, compute):
        """The best final loss among trials completed within `compute` epochs (inf if none)."""
        best = math.inf
        for c in self.completions:
            if c.compute > compute:
                break
            best = min(best, c.loss)
        return best

    def compute_to_reach(self, target):
        """The compute at which a trial first finished with a final loss <= target (inf if
        never within the budget)."""
        for c in self.completions:
            if c.loss <= target:
                return c.compute
        return math.inf

    @property
    def final_best(self):
        return self.best_at(self.budget)


def simulate(backend_run, curves, max_resource, budget, workers):
    """Drives `backend_run` (new_trial(worker) -> handle with .index, report(handle, epoch,
    value) -> should_stop, complete(handle, value, pruned), abandon(handle)) until `budget`
    epochs are spent. Returns a RunResult."""
    if curves.shape[1] < max_resource:
        raise ValueError(f"curves have {curves.shape[1]} epochs, fewer than max_resource="
                         f"{max_resource}")
    slots = [None] * workers  # [handle, epochs trained]
    compute = 0
    completions = []
    epochs_per_trial = []
    brackets = collections.Counter()
    trials_started = 0

    def finish(worker):
        handle, epochs = slots[worker]
        epochs_per_trial.append((handle.index, epochs))
        slots[worker] = None

    while compute < budget:
        for worker in range(workers):
            if compute >= budget:
                break
            if slots[worker] is None:
                handle = backend_run.new_trial(worker)
                trials_started += 1
                brackets[getattr(handle, "bracket", 0)] += 1
                slots[worker] = [handle, 0]
            handle = slots[worker][0]
            slots[worker][1] += 1
            epoch = slots[worker][1]
            compute += 1
            value = float(curves[handle.index, epoch - 1])
            stop = backend_run.report(handle, epoch, value, last=epoch == max_resource)
            if epoch == max_resource:
                backend_run.complete(handle, value, pruned=False)
                completions.append(Completion(compute, value, handle.index))
                finish(worker)
            elif stop:
                backend_run.complete(handle, value, pruned=True)
                finish(worker)
    for worker in range(workers):
        if slots[worker] is not None:
            backend_run.abandon(slots[worker][0])
            finish(worker)
    return RunResult(budget, completions, trials_started, epochs_per_trial, dict(brackets))


def top_overlap(curves, epoch, k=10):
    """How many of the k configurations with the best loss at the last epoch are also among the
    k best at `epoch` (1-based)."""
    final_top = set(np.argsort(curves[:, -1], kind="stable")[:k].tolist())
    early_top = set(np.argsort(curves[:, epoch - 1], kind="stable")[:k].tolist())
    return len(final_top & early_top)


def rank_correlation(curves, epoch):
    """Spearman correlation between the losses at `epoch` and at the last epoch."""
    def ranks(x):
        return np.argsort(np.argsort(x, kind="stable"), kind="stable")
    return float(np.corrcoef(ranks(curves[:, epoch - 1]), ranks(curves[:, -1]))[0, 1])


def median(values):
    """The median, with inf (never reached) ordered last; inf if most values are inf."""
    return float(np.median(np.asarray(values, dtype=float)))
