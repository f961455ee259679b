"""Fills a hyperd study with many finished trials quickly, for the dashboard benchmark and its
screenshots: a Hyperband study over eight parameters of every kind, whose trials report a
synthetic learning curve at steps 1..max_resource (32) until the scheduler stops them, so a
trial carries ~20 measurements on average. 1% of the trials fail part-way and 0.5% are
infeasible, so every state shows up.

    result = fill_study("127.0.0.1:50051", "load-10000", trials=10000, workers=8)
    print(result.trials, result.measurements, result.seconds)

Several worker processes (fork), each with its own hyperd.Client (its own client_id), claim
trial slots from a shared counter and run them one at a time with the raw RPCs (no heartbeat
thread per trial: a trial lives for milliseconds). Everything a trial does follows from
(seed, trial number), so the same seed gives the same curves whatever the interleaving.
"""

import collections
import math
import multiprocessing
import random
import time

MAX_RESOURCE = 32
_OPTIMIZER_FLOOR = {"sgd": 0.08, "adam": 0.0, "adamw": 0.01, "rmsprop": 0.05}
_ACTIVATION_FLOOR = {"relu": 0.02, "gelu": 0.0, "tanh": 0.06}

FillResult = collections.namedtuple(
    "FillResult", "study_id trials measurements stopped failed infeasible seconds")


def create_load_study(client, study_id, seed=1, description=None):
    """Creates (or opens, get-or-create) the benchmark's Hyperband study; returns a
    hyperd.Study."""
    import hyperd
    return hyperd.Study.create(
        study_id, client=client, seed=seed, max_resource=MAX_RESOURCE, resource_unit="epoch",
        parameters=[
            hyperd.Float("lr", 1e-5, 1.0, log=True),
            hyperd.Float("momentum", 0.0, 0.99),
            hyperd.Float("weight_decay", 1e-6, 1e-2, log=True),
            hyperd.Float("dropout", 0.0, 0.5),
            hyperd.Int("batch_size", 16, 512, log=True),
            hyperd.Int("layers", 1, 8),
            hyperd.Categorical("optimizer", ["sgd", "adam", "adamw", "rmsprop"]),
            hyperd.Categorical("activation", ["relu", "gelu", "tanh"]),
        ],
        objective=("val_loss", "minimize"), sampler="random",
        scheduler={"hyperband": {"min_resource": 8, "reduction_factor": 2}},
        description=description or "synthetic MLP training curves (bench/dashboard)")


def curve_floor(params):
    """The loss a configuration converges to: best near lr = 10^-2.5, momentum 0.9, 3 layers,
    adam with gelu and a little dropout."""
    return (0.15
            + 0.06 * (math.log10(params["lr"]) + 2.5) ** 2
            + 0.3 * (params["momentum"] - 0.9) ** 2
            + 0.01 * abs(math.log10(params["weight_decay"]) + 4.0)
            + 0.2 * (params["dropout"] - 0.1) ** 2
            + 0.02 * abs(math.log2(params["batch_size"]) - 7.0)
            + 0.015 * abs(params["layers"] - 3)
            + _OPTIMIZER_FLOOR[params["optimizer"]]
            + _ACTIVATION_FLOOR[params["activation"]])


def curve_value(params, step, rng):
    """The validation loss after `step` epochs: exponential decay from 2.3 towards the floor,
    with a little noise from rng."""
    floor = curve_floor(params)
    return floor + (2.3 - floor) * math.exp(-step / 6.0) + rng.gauss(0.0, 0.01)


def _run_worker(address, token, study_id, seed, trials, counter, totals):
    """One worker process: claims slots until `trials` are taken; adds its counts to totals."""
    import hyperd
    from hyperd.client import pb
    from hyperd.space import value_from_proto

    client = hyperd.Client(address, token=token or "", timeout=30.0)
    parent = f"studies/{study_id}"
    measurements = stopped = failed = infeasible = 0
    while True:
        with counter.get_lock():
            if counter.value >= trials:
                break
            counter.value += 1
        response = client.call("SuggestTrials", pb.SuggestTrialsRequest(
            parent=parent, count=1, client_id=client.client_id))
        if not response.trials:
            raise RuntimeError(f"{study_id}: SuggestTrials returned no trial ("
                               f"{pb.SuggestTrialsResponse.Reason.Name(response.reason)})")
        trial = response.trials[0]
        params = {p.name: value_from_proto(p) for p in trial.parameters}
        rng = random.Random(seed * 1_000_003 + trial.number)
        fate = rng.random()
        if fate < 0.005:
            client.call("CompleteTrial", pb.CompleteTrialRequest(
                name=trial.name, infeasible=True, client_id=client.client_id,
                infeasible_reason="out of memory at batch_size "
                                  f"{params['batch_size']}"))
            infeasible += 1
            continue
        fail_at = rng.randint(2, MAX_RESOURCE - 1) if fate < 0.015 else None
        for step in range(1, (trial.max_resource or MAX_RESOURCE) + 1):
            measurement = pb.Measurement(step=step)
            measurement.metrics["val_loss"] = curve_value(params, step, rng)
            measurement.metrics["accuracy"] = max(0.0, 1.0 - measurement.metrics["val_loss"] / 2.5)
            measurement.elapsed.FromNanoseconds(int(step * 1.5e9))
            reply = client.call("ReportMeasurement", pb.ReportMeasurementRequest(
                name=trial.name, measurement=measurement, client_id=client.client_id))
            measurements += 1
            if step == fail_at:
                break
            if reply.should_stop:
                stopped += 1
                break
        if fail_at is not None and step == fail_at:
            client.call("FailTrial", pb.FailTrialRequest(
                name=trial.name, reason="CUDA error: an illegal memory access was encountered",
                client_id=client.client_id))
            failed += 1
        else:
            client.call("CompleteTrial", pb.CompleteTrialRequest(
                name=trial.name, client_id=client.client_id))
    client.close()
    with totals.get_lock():
        for i, value in enumerate((measurements, stopped, failed, infeasible)):
            totals[i] += value


def fill_study(address, study_id, trials, workers=8, seed=1, token=None):
    """Runs `trials` trials of the (existing) study `study_id` with `workers` processes.
    Returns a FillResult; raises RuntimeError when a worker failed."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    totals = context.Array("q", 4)
    started = time.monotonic()
    processes = [context.Process(target=_run_worker, name=f"fill-{study_id}-{i}",
                                 args=(address, token, study_id, seed, trials, counter, totals))
                 for i in range(max(1, min(workers, trials)))]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    seconds = time.monotonic() - started
    bad = [p.exitcode for p in processes if p.exitcode != 0]
    if bad:
        raise RuntimeError(f"filling {study_id}: {len(bad)} worker(s) failed (exit codes {bad}); "
                           "their traceback is above")
    measurements, stopped, failed, infeasible = totals[:]
    return FillResult(study_id, trials, measurements, stopped, failed, infeasible, seconds)
