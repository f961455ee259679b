"""The optimisers the benchmark compares, behind one ask/tell interface.

  gp, tpe, random, sobol  hyperd's samplers, through the Python client against the real server
                          (one study per run, created with sampler=<name> and an explicit seed)
  optuna-tpe              Optuna 3.1's TPESampler with its defaults and the run's seed, in-process
                          with in-memory storage

A study hands out `ask(count)` -> [(handle, {name: value})] and takes `tell(handle, value)`.
`run(study, problem, n_trials, batch)` drives one with `batch` parallel suggestions per round
(1: sequential) and returns the objective of every trial in order, with the wall time at which
each one was told.
"""

import collections
import importlib
import os
import sys
import time
import uuid

# hyperd method -> the sampler setting of Study.create (its oneof name is the trials' origin).
HYPERD_METHODS = {
    "gp": "gp",
    "tpe": "tpe",
    "tpe-univariate": {"tpe": {"multivariate": False}},
    "tpe-multivariate": {"tpe": {"multivariate": True}},
    "random": "random",
    "sobol": "sobol",
}
OPTUNA_METHODS = ("optuna-tpe",)
ALL_METHODS = tuple(HYPERD_METHODS) + OPTUNA_METHODS

# values[i]: the objective of trial i; seconds[i]: wall time from the first ask to its tell.
RunResult = collections.namedtuple("RunResult", "values seconds status")


def import_hyperd(hyperd_binary):
    """Returns (the hyperd package, tests/e2e's HyperdServer class) for the server binary at
    `hyperd_binary`: the package as installed, else from <build>/python next to the binary.
    HyperdServer starts $HYPERD_BINARY on a free loopback port with a temporary data directory,
    so this sets it."""
    try:
        importlib.import_module("hyperd.v1.hyperd_pb2")
    except ImportError:
        build_dir = os.path.dirname(os.path.dirname(hyperd_binary))
        sys.path.insert(0, os.path.join(build_dir, "python"))
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(repo, "tests", "e2e"))
    os.environ["HYPERD_BINARY"] = hyperd_binary
    hyperd = importlib.import_module("hyperd")
    return hyperd, importlib.import_module("python_hyperd_server").HyperdServer


def hyperd_seed(seed):
    # 0 asks the server to pick a seed; keep every benchmark seed explicit and non-zero.
    return 1000 + seed


def hyperd_parameters(problem):
    """The problem's parameters as hyperd.Float / hyperd.Int / hyperd.Categorical."""
    import hyperd
    converted = []
    for p in problem.params:
        if p.kind == "float":
            converted.append(hyperd.Float(p.name, p.low, p.high, log=p.log))
        elif p.kind == "int":
            converted.append(hyperd.Int(p.name, p.low, p.high, log=p.log))
        else:
            converted.append(hyperd.Categorical(p.name, list(p.choices)))
    return converted


def optuna_distributions(problem):
    """The problem's parameters as Optuna distributions {name: distribution}."""
    from optuna import distributions
    converted = {}
    for p in problem.params:
        if p.kind == "float":
            converted[p.name] = distributions.FloatDistribution(p.low, p.high, log=p.log)
        elif p.kind == "int":
            converted[p.name] = distributions.IntDistribution(p.low, p.high, log=p.log)
        else:
            converted[p.name] = distributions.CategoricalDistribution(list(p.choices))
    return converted


def check_origin(trial, sampler):
    """Raises unless `trial` (a hyperd.v1.Trial) came from `sampler`. A server built from an
    older proto keeps a sampler field it does not know as an unknown field, echoes it back in the
    study, and samples with its default instead: only the trial's origin tells."""
    if trial.origin != sampler:
        raise RuntimeError(f"{trial.name}: the study asked for sampler {sampler!r}, the trial "
                           f"came from {trial.origin!r}: is the hyperd binary older than its "
                           "Python stubs?")


class HyperdStudy:
    """One hyperd study with sampler `method`, driven by one worker (one client_id)."""

    def __init__(self, client, method, problem, seed, max_trials):
        import hyperd
        study_id = f"{problem.name}-{method}-s{seed}-{uuid.uuid4().hex[:8]}"
        self._study = hyperd.Study.create(
            study_id, hyperd_parameters(problem), objective=("value", "minimize"),
            sampler=HYPERD_METHODS[method], seed=hyperd_seed(seed), max_trials=max_trials,
            client=client, description=f"bench/bo {problem.name} {method} seed {seed}")
        self._origin = method.split("-")[0]

    def ask(self, count):
        trials = self._study.suggest_many(count)
        if len(trials) != count:
            raise RuntimeError(f"{self._study.name}: asked for {count} trials, got {len(trials)} "
                               f"({self._study.last_suggest_reason})")
        for trial in trials:
            check_origin(trial.proto, self._origin)
        return [(trial, trial.params) for trial in trials]

    def tell(self, handle, value):
        handle.complete(value)

    def status(self):
        """The sampler's status line (what the model did last)."""
        return self._study.refresh().proto.sampler_status

    def close(self):
        self._study.delete()


class OptunaStudy:
    """One Optuna 3.1 study with TPESampler(seed=seed), otherwise defaults."""

    def __init__(self, problem, seed):
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self._study = optuna.create_study(direction="minimize",
                                          sampler=optuna.samplers.TPESampler(seed=seed))
        self._distributions = optuna_distributions(problem)

    def ask(self, count):
        asked = []
        for _ in range(count):
            trial = self._study.ask(fixed_distributions=self._distributions)
            asked.append((trial, trial.params))
        return asked

    def tell(self, handle, value):
        self._study.tell(handle, value)

    def status(self):
        return ""

    def close(self):
        pass


def open_study(method, problem, seed, max_trials, client):
    """A fresh study of `method`; `client` (a hyperd.Client) is used by hyperd methods."""
    if method in HYPERD_METHODS:
        return HyperdStudy(client, method, problem, seed, max_trials)
    if method in OPTUNA_METHODS:
        return OptunaStudy(problem, seed)
    raise ValueError(f"unknown method {method!r}: use {', '.join(ALL_METHODS)}")


def run(study, problem, n_trials, batch=1):
    """Runs n_trials trials, `batch` suggested at once and told after all are evaluated."""
    values, seconds = [], []
    started = time.monotonic()
    while len(values) < n_trials:
        asked = study.ask(min(batch, n_trials - len(values)))
        evaluated = [(handle, problem.evaluate(params)) for handle, params in asked]
        for handle, value in evaluated:
            study.tell(handle, value)
            values.append(value)
            seconds.append(time.monotonic() - started)
    return RunResult(values, seconds, study.status())
