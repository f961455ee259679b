"""The tuning backends the benchmark compares: hyperd (the real server through the Python client)
and Optuna 3.1 (in-process, in-memory storage).

Both draw configurations the same way: a study's search space is one integer, the index of a
configuration in the pool, proposed by hyperd's random sampler with the study seed. hyperd's
random sampler makes point i a function of (seed, i) only, so every hyperd study with that seed
gets the same sequence whatever its scheduler. Optuna gets that very sequence: each new Optuna
trial is enqueued with the index of the same-numbered trial of a scheduler-free hyperd "pool"
study (fetched lazily), so only the pruner differs. The runner checks that every method's trial i
trained the same configuration.
"""

import uuid

import hyperd
from hyperd.client import pb

# hyperd methods: name -> SchedulerSpec setting for Study.create (None: fifo).
HYPERD_METHODS = {
    "random": "fifo",
    "median": "median",
    "asha": "successive_halving",
    "hyperband": "hyperband",
}
OPTUNA_METHODS = ("optuna-sh", "optuna-hb", "optuna-median")
ALL_METHODS = tuple(HYPERD_METHODS) + OPTUNA_METHODS


class _Handle:
    __slots__ = ("trial", "index", "bracket")

    def __init__(self, trial, index, bracket=0):
        self.trial = trial
        self.index = index
        self.bracket = bracket


def _space(pool_size):
    return [hyperd.Int("config", 0, pool_size - 1)]


def _study_seed(seed):
    # 0 asks the server to pick a seed; keep every benchmark seed explicit and non-zero.
    return 1000 + seed


def _scheduler_setting(method, min_resource, reduction_factor):
    name = HYPERD_METHODS[method]
    if name in ("successive_halving", "hyperband"):
        return {name: {"min_resource": min_resource, "reduction_factor": reduction_factor}}
    return name


class HyperdRun:
    """One hyperd study driven by `workers` simulated workers, each its own hyperd.Client."""

    def __init__(self, address, method, family, seed, pool_size, max_resource, workers,
                 min_resource, reduction_factor):
        self._clients = [hyperd.Client(address, client_id=f"mfbench-worker-{w}")
                         for w in range(workers)]
        study_id = f"{family}-{method}-s{seed}-{uuid.uuid4().hex[:8]}"
        hyperd.Study.create(
            study_id, _space(pool_size), objective=("loss", "minimize"), sampler="random",
            scheduler=_scheduler_setting(method, min_resource, reduction_factor),
            max_resource=max_resource, resource_unit="epoch", seed=_study_seed(seed),
            client=self._clients[0], description=f"bench/multifidelity {method} seed {seed}")
        self._studies = [hyperd.Study.get(study_id, client=c) for c in self._clients]
        self.indices = {}  # trial number -> configuration index

    def new_trial(self, worker):
        trial = self._studies[worker].suggest()
        if trial is None:
            raise RuntimeError(f"hyperd handed out no trial: "
                               f"{self._studies[worker].last_suggest_reason}")
        index = trial.params["config"]
        self.indices[trial.number] = index
        return _Handle(trial, index, trial.bracket)

    def report(self, handle, epoch, value, last):
        del last  # hyperd never stops a trial at max_resource; the answer is read anyway
        return handle.trial.report(epoch, value)

    def complete(self, handle, value, pruned):
        del pruned  # the server knows: a STOPPING trial completes as PRUNED
        handle.trial.complete(value)

    def abandon(self, handle):
        handle.trial.fail("benchmark budget spent")

    def close(self):
        for client in self._clients:
            client.close()


class HyperdSequence:
    """The configuration indices hyperd's random sampler gives trials 0, 1, 2, ... of a study
    with this seed, read from a scheduler-free study on the server (raw SuggestTrials calls, so
    no heartbeat threads for thousands of open trials)."""

    def __init__(self, address, family, seed, pool_size):
        self._client = hyperd.Client(address, client_id="mfbench-sequence")
        study = hyperd.Study.create(
            f"{family}-pool-s{seed}-{uuid.uuid4().hex[:8]}", _space(pool_size),
            objective=("loss", "minimize"), sampler="random", seed=_study_seed(seed),
            client=self._client, description="bench/multifidelity: the configuration sequence")
        self._name = study.name
        self._indices = []

    def __getitem__(self, number):
        while number >= len(self._indices):
            # A fresh client_id per call: a worker that asks again gets its own open trials back.
            response = self._client.call("SuggestTrials", pb.SuggestTrialsRequest(
                parent=self._name, count=100,
                client_id=f"mfbench-sequence-{len(self._indices)}"))
            for trial in response.trials:
                if trial.number != len(self._indices):
                    raise RuntimeError(f"pool study handed out trial {trial.number}, expected "
                                       f"{len(self._indices)}")
                self._indices.append(trial.parameters[0].int_value)
        return self._indices[number]

    def close(self):
        self._client.close()


class OptunaRun:
    """One Optuna study (RandomSampler, in-memory storage) whose trial i trains the
    configuration of hyperd's trial i; ask/tell so several trials are open at once."""

    def __init__(self, method, sequence, seed, pool_size, max_resource, min_resource,
                 reduction_factor):
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        if method == "optuna-sh":
            pruner = optuna.pruners.SuccessiveHalvingPruner(
                min_resource=min_resource, reduction_factor=reduction_factor)
        elif method == "optuna-hb":
            pruner = optuna.pruners.HyperbandPruner(
                min_resource=min_resource, max_resource=max_resource,
                reduction_factor=reduction_factor)
        elif method == "optuna-median":
            pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=0)
        else:
            raise ValueError(f"unknown Optuna method {method!r}")
        self._optuna = optuna
        self._study = optuna.create_study(
            direction="minimize", sampler=optuna.samplers.RandomSampler(seed=seed),
            pruner=pruner, study_name=f"mfbench-{method}-s{seed}")
        self._sequence = sequence
        self._pool_size = pool_size
        self._asked = 0
        self.indices = {}

    def new_trial(self, worker):
        del worker
        self._study.enqueue_trial({"config": self._sequence[self._asked]})
        self._asked += 1
        trial = self._study.ask()
        index = trial.suggest_int("config", 0, self._pool_size - 1)
        self.indices[trial.number] = index
        return _Handle(trial, index)

    def report(self, handle, epoch, value, last):
        handle.trial.report(value, epoch)
        # At max_resource the trial is trained: nothing left to save by pruning it.
        return False if last else handle.trial.should_prune()

    def complete(self, handle, value, pruned):
        state = self._optuna.trial.TrialState
        if pruned:
            self._study.tell(handle.trial, state=state.PRUNED)
        else:
            self._study.tell(handle.trial, value)

    def abandon(self, handle):
        self._study.tell(handle.trial, state=self._optuna.trial.TrialState.FAIL)

    def close(self):
        pass
