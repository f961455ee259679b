"""The real learning-curve family: scikit-learn MLPClassifier trained on the bundled digits data.

A pool of configurations (solver, learning rate, width, depth, batch size, L2 penalty, momentum)
is drawn once from a fixed seed. Each is trained for `epochs` epochs with `partial_fit` (one call =
one pass over the training split = one epoch) and its validation log-loss is recorded after every
epoch. The curves are computed once and cached in an .npz file (under the build tree), so the
benchmark replays real training curves through the server without retraining for every method
and seed. `train_curve` is the same code the cache is built with, so a live run reproduces a
cached curve exactly (each configuration has its own fixed random_state).

A loss that is not finite (the network diverged and predicts NaN) is stored as DIVERGED_LOSS,
worse than the uniform predictor's ln(10) = 2.30: every method then sees the same finite number
(hyperd would stop a trial at a NaN report at once, Optuna's pruners would not), so only the
scheduling rules differ.
"""

import math
import multiprocessing
import os
import time
import warnings

import numpy as np

DIVERGED_LOSS = 10.0
_POOL_SEED = 20240611
_DATA_SEED = 0
_FORMAT_VERSION = 1


def draw_configs(count):
    """The pool: `count` MLP configurations drawn from a fixed seed (the same on every run)."""
    rng = np.random.default_rng(_POOL_SEED)
    configs = []
    for index in range(count):
        solver = "adam" if rng.random() < 0.5 else "sgd"
        config = {
            "solver": solver,
            "learning_rate_init": float(10 ** rng.uniform(-4.0, -0.5)),
            "width": int(round(2 ** rng.uniform(4.0, 8.0))),
            "layers": int(rng.integers(1, 3)),
            "batch_size": int(round(2 ** rng.uniform(4.0, 9.0))),
            "alpha": float(10 ** rng.uniform(-6.0, 0.0)),
            "momentum": float(rng.uniform(0.5, 0.99)),
            "random_state": index,
        }
        configs.append(config)
    return configs


def load_data():
    """Digits (1797 8x8 images shipped with scikit-learn): train/validation 60/20, standardised."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    features, labels = load_digits(return_X_y=True)
    x_train, x_rest, y_train, y_rest = train_test_split(
        features, labels, test_size=0.4, stratify=labels, random_state=_DATA_SEED)
    x_val, _, y_val, _ = train_test_split(
        x_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=_DATA_SEED)
    scaler = StandardScaler().fit(x_train)
    return {"train": (scaler.transform(x_train), y_train),
            "val": (scaler.transform(x_val), y_val),
            "classes": np.unique(labels)}


def make_model(config):
    from sklearn.neural_network import MLPClassifier
    return MLPClassifier(
        hidden_layer_sizes=(config["width"],) * config["layers"], solver=config["solver"],
        learning_rate_init=config["learning_rate_init"], batch_size=config["batch_size"],
        alpha=config["alpha"], momentum=config["momentum"], nesterovs_momentum=True,
        random_state=config["random_state"])


def train_curve(config, epochs, data):
    """Trains one configuration; returns its validation log-loss after epochs 1..epochs."""
    from sklearn.metrics import log_loss
    model = make_model(config)
    x_train, y_train = data["train"]
    x_val, y_val = data["val"]
    curve = []
    diverged = False
    for _ in range(epochs):
        if not diverged:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")  # convergence and overflow warnings
                model.partial_fit(x_train, y_train, classes=data["classes"])
                proba = model.predict_proba(x_val)
            if np.all(np.isfinite(proba)):
                loss = log_loss(y_val, proba, labels=data["classes"])
            else:
                loss = math.nan
            diverged = not math.isfinite(loss)
        curve.append(DIVERGED_LOSS if diverged else min(loss, DIVERGED_LOSS))
    return curve


def _train_chunk(args):
    configs, epochs = args
    # One BLAS thread per process: the pool already runs one process per core.
    data = load_data()
    return [train_curve(config, epochs, data) for config in configs]


def cache_path(cache_dir, count, epochs):
    return os.path.join(cache_dir, f"mlp_digits_v{_FORMAT_VERSION}_{count}x{epochs}.npz")


def load_or_build(cache_dir, count, epochs, processes=2, log=print):
    """Returns (configs, curves[count, epochs]) from the cache, building it if it is missing."""
    path = cache_path(cache_dir, count, epochs)
    configs = draw_configs(count)
    if os.path.exists(path):
        with np.load(path) as cached:
            curves = cached["curves"]
        if curves.shape == (count, epochs):
            return configs, curves
    os.makedirs(cache_dir, exist_ok=True)
    log(f"precomputing {count} MLPClassifier curves x {epochs} epochs on digits "
        f"({processes} processes) -> {path}")
    started = time.monotonic()
    chunks = [configs[i::processes * 4] for i in range(processes * 4)]
    env_threads = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    os.environ.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    try:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            results = pool.map(_train_chunk, [(chunk, epochs) for chunk in chunks])
    finally:
        for key, value in env_threads.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    curves = np.empty((count, epochs))
    for i, chunk_curves in enumerate(results):
        for j, curve in enumerate(chunk_curves):
            curves[i + j * processes * 4] = curve
    tmp = path + ".tmp.npz"
    np.savez(tmp, curves=curves)
    os.replace(tmp, path)
    log(f"precomputed in {time.monotonic() - started:.0f}s")
    return configs, curves
