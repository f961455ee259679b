#!/usr/bin/python3
"""Tunes scikit-learn's SGDClassifier on the bundled digits data with hyperd, in parallel.

Several worker processes share one study: each asks hyperd for a configuration, trains it one
epoch at a time with partial_fit, reports the validation log-loss after every epoch (stopping
early when hyperd says so), completes the trial, and asks again until the study has no more
trials. At the end the best configuration is retrained and scored on the held-out test split.

    /usr/bin/python3 examples/python/tune_sgd_digits.py --workers 4 --trials 40 --epochs 20

Needs a running server (HYPERD_ADDRESS or --address) and the `hyperd` package on the path; see
examples/python/README.md.
"""

import argparse
import math
import multiprocessing
import os
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import hyperd

OBJECTIVE = "val_log_loss"
SEARCH_SPACE = [
    hyperd.Float("alpha", 1e-6, 1e-1, log=True),
    hyperd.Float("eta0", 1e-4, 1.0, log=True),
    hyperd.Categorical("learning_rate", ["constant", "invscaling", "adaptive", "optimal"]),
    hyperd.Categorical("penalty", ["l2", "l1", "elasticnet"]),
    # Only elastic net mixes the two penalties, so only it has a ratio to tune.
    hyperd.Float("l1_ratio", 0.05, 0.95, condition=hyperd.Condition("penalty", ["elasticnet"])),
]


def load_splits(seed):
    """Digits (1797 8x8 images, shipped with scikit-learn) as train/validation/test, 60/20/20."""
    features, labels = load_digits(return_X_y=True)
    x_train, x_rest, y_train, y_rest = train_test_split(
        features, labels, test_size=0.4, stratify=labels, random_state=seed)
    x_val, x_test, y_val, y_test = train_test_split(
        x_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=seed)
    scaler = StandardScaler().fit(x_train)
    return {"train": (scaler.transform(x_train), y_train),
            "val": (scaler.transform(x_val), y_val),
            "test": (scaler.transform(x_test), y_test),
            "classes": np.unique(labels)}


def make_model(params, seed):
    return SGDClassifier(loss="log_loss", alpha=params["alpha"], eta0=params["eta0"],
                         learning_rate=params["learning_rate"], penalty=params["penalty"],
                         l1_ratio=params.get("l1_ratio", 0.15), random_state=seed)


def train_one_epoch(model, data):
    x_train, y_train = data["train"]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # Large step sizes overflow: that is a diverged trial, reported as a non-finite loss.
        warnings.simplefilter("ignore")
        model.partial_fit(x_train, y_train, classes=data["classes"])


def evaluate(model, data, split):
    """Returns (log-loss, accuracy) on a split; the loss is NaN if the model diverged."""
    x, y = data[split]
    with np.errstate(all="ignore"):
        proba = model.predict_proba(x)
    if not np.all(np.isfinite(proba)):
        return math.nan, 0.0
    return log_loss(y, proba, labels=data["classes"]), accuracy_score(y, model.predict(x))


def run_worker(address, study_id, epochs, seed):
    """Trains trials of the study until it has none left; returns how many this worker ran."""
    data = load_splits(seed)
    client = hyperd.Client(address)
    study = hyperd.Study.get(study_id, client=client)
    trained = 0
    # wait=True: if the study is at max_parallel_trials, wait for a slot instead of leaving.
    while (trial := study.suggest(wait=True)) is not None:
        with trial:  # an exception marks the trial FAILED with its message
            model = make_model(trial.params, seed + trial.number)
            started = time.monotonic()
            for epoch in range(1, epochs + 1):
                train_one_epoch(model, data)
                loss, accuracy = evaluate(model, data, "val")
                if trial.report(epoch, loss, accuracy=accuracy,
                                elapsed=time.monotonic() - started):
                    break  # early stop (scheduler decision or divergence)
            trial.complete(loss, accuracy=accuracy)
        trained += 1
    client.close()
    return trained


def describe(params):
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in params.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=os.environ.get("HYPERD_ADDRESS", "127.0.0.1:50051"),
                        help="hyperd server (default: $HYPERD_ADDRESS or %(default)s)")
    parser.add_argument("--study", default="sgd-digits", help="study id (get-or-create)")
    parser.add_argument("--workers", type=int, default=4, help="parallel worker processes")
    parser.add_argument("--trials", type=int, default=40, help="trials in the study")
    parser.add_argument("--epochs", type=int, default=20, help="epochs per trial")
    parser.add_argument("--sampler", default="random", help="random, sobol or grid")
    parser.add_argument("--seed", type=int, default=1, help="data split, models and sampler")
    args = parser.parse_args()

    with hyperd.Client(args.address) as client:
        study = hyperd.Study.create(
            args.study, SEARCH_SPACE, objective=(OBJECTIVE, "minimize"), sampler=args.sampler,
            max_trials=args.trials, max_resource=args.epochs, resource_unit="epoch",
            lease_duration=60, seed=args.seed, client=client,
            description="SGDClassifier on scikit-learn's digits (examples/python)")
        print(f"Study {study.name}: {args.trials} trials x {args.epochs} epochs, "
              f"{args.workers} workers, sampler {args.sampler}", flush=True)

        started = time.monotonic()
        # spawn, not fork: a gRPC channel must not be shared with forked children.
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            counts = pool.starmap(run_worker, [(args.address, study.study_id, args.epochs,
                                                args.seed)] * args.workers)
        print(f"Workers trained {'+'.join(map(str, counts))} = {sum(counts)} trials in "
              f"{time.monotonic() - started:.1f}s; study is {study.refresh().state}, "
              f"trials {study.trial_counts}", flush=True)

        best = study.best_trial()
        if best is None:
            print("No trial finished with a value.", file=sys.stderr)
            return 1
        epochs_run = max((step for step, _ in best.measurements), default=args.epochs)
        print(f"Best trial #{best.number}: {OBJECTIVE}={best.value:.4f} after {epochs_run} epochs")
        print(f"  params: {describe(best.params)}")

        # Retrain the winner exactly as its trial did and score it on the untouched test split.
        data = load_splits(args.seed)
        model = make_model(best.params, args.seed + best.number)
        for _ in range(epochs_run):
            train_one_epoch(model, data)
        _, test_accuracy = evaluate(model, data, "test")
        print(f"  test accuracy: {test_accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
