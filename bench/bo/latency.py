#!/usr/bin/python3
"""Suggestion latency: hyperd's SuggestTrials through the Python client against the real server,
next to Optuna 3.1's TPESampler ask() at the same number of trials and dimension, with an empty
RPC (GetServerInfo) as the floor.

    HYPERD_BINARY=build/server/hyperd /usr/bin/python3 bench/bo/latency.py
    /usr/bin/python3 bench/bo/latency.py --hyperd build/server/hyperd \\
        --gp-sampler random --tpe-sampler sobol --gp-n 20 --tpe-n 40 --repeats 3

Cases: the gp sampler at n = 100, 200, 500 finished trials in a 6-D space, and the tpe sampler at
n = 1000 in 10-D (all flags). Every parameter is a float in [0, 1]; the objective is a cheap
smooth function.

Per case, a hyperd study is pre-populated with n random points: CreateTrial queues them, then
SuggestTrials hands the queued trials out (it does not ask the sampler for queued ones) and
CompleteTrial finishes them. Then `--repeats` + 1 sequential rounds of SuggestTrials(count=1),
timed on the client, each followed by CompleteTrial: the first round is "cold" (the first
suggestion after n new results: a model built from scratch), the others are the steady state
of sequential optimisation (one new result per suggestion), reported as median [25th, 75th].
Optuna's study is pre-populated with the same points through add_trials and timed the same way
on ask(fixed_distributions) (which samples every parameter).
"""

import argparse
import json
import math
import os
import sys
import time
import uuid

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

import methods  # noqa: E402
import report  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--gp-sampler", default="gp",
                        help="hyperd sampler of the first group of cases (default %(default)s)")
    parser.add_argument("--gp-dim", type=int, default=6)
    parser.add_argument("--gp-n", default="100,200,500", help="finished trials, comma-separated")
    parser.add_argument("--tpe-sampler", default="tpe",
                        help="hyperd sampler of the second group of cases (default %(default)s)")
    parser.add_argument("--tpe-dim", type=int, default=10)
    parser.add_argument("--tpe-n", default="1000", help="finished trials, comma-separated")
    parser.add_argument("--repeats", type=int, default=20,
                        help="timed suggestions per case after the cold one (default 20)")
    parser.add_argument("--floor-repeats", type=int, default=200,
                        help="timed GetServerInfo calls (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hyperd", default=os.environ.get("HYPERD_BINARY", ""),
                        help="the hyperd binary (default $HYPERD_BINARY)")
    parser.add_argument("--json", default="", help="write every timing here")
    parser.add_argument("--markdown", default="", help="also write the report here")
    parser.add_argument("--check-targets", action="store_true",
                        help="exit 1 if a latency target of the issue is missed")
    args = parser.parse_args(argv)
    if not args.hyperd or not os.access(args.hyperd, os.X_OK):
        parser.error(f"--hyperd={args.hyperd!r} is not an executable: pass the hyperd binary "
                     "(e.g. build/server/hyperd) or set HYPERD_BINARY")
    if args.repeats < 1 or args.floor_repeats < 1:
        parser.error("--repeats and --floor-repeats must be >= 1")
    args.hyperd = os.path.abspath(args.hyperd)
    args.cases = []
    for sampler, dim, ns in ((args.gp_sampler, args.gp_dim, args.gp_n),
                             (args.tpe_sampler, args.tpe_dim, args.tpe_n)):
        for n in (int(v) for v in ns.split(",") if v):
            if n < 0 or dim < 1:
                parser.error(f"{sampler}: n={n}, d={dim}: need n >= 0 and d >= 1")
            args.cases.append((sampler, dim, n))
    return args


def objective(x):
    """Cheap and smooth, with one minimum at 0.3 in every coordinate."""
    x = np.asarray(x)
    return float(np.sum((x - 0.3) ** 2) + 0.1 * math.sin(7.0 * x[0]))


def milliseconds(seconds):
    return [1000.0 * s for s in seconds]


class HyperdCase:
    """A study of `sampler` with d float parameters, pre-populated with `points`."""

    def __init__(self, client, sampler, dim, seed):
        import hyperd
        from hyperd.client import pb
        self._pb = pb
        self._client = client
        self._sampler = sampler
        study = hyperd.Study.create(
            f"latency-{sampler}-d{dim}-{uuid.uuid4().hex[:8]}",
            [hyperd.Float(f"x{i}", 0.0, 1.0) for i in range(dim)],
            objective=("value", "minimize"), sampler=sampler, seed=1000 + seed, client=client,
            description=f"bench/bo latency {sampler} d={dim}")
        self._study = study
        self.name = study.name

    def _complete(self, trial, client_id):
        x = [p.double_value for p in trial.parameters]
        measurement = self._pb.Measurement(step=0, metrics={"value": objective(x)})
        self._client.call("CompleteTrial", self._pb.CompleteTrialRequest(
            name=trial.name, client_id=client_id, final_measurement=measurement))

    def _suggest(self, count, client_id):
        response = self._client.call("SuggestTrials", self._pb.SuggestTrialsRequest(
            parent=self.name, count=count, client_id=client_id))
        if len(response.trials) != count:
            raise RuntimeError(f"{self.name}: SuggestTrials(count={count}) returned "
                               f"{len(response.trials)} trials, reason {response.reason}")
        return response.trials

    def populate(self, points):
        for point in points:
            self._study.enqueue({f"x{i}": float(v) for i, v in enumerate(point)})
        done = 0
        while done < len(points):
            # Exactly the queued count: asking for more would run the sampler.
            for trial in self._suggest(min(100, len(points) - done), "latency-populate"):
                self._complete(trial, "latency-populate")
                done += 1

    def timed_suggestions(self, rounds):
        """Seconds of each SuggestTrials(count=1), each trial completed before the next."""
        seconds = []
        for _ in range(rounds):
            started = time.perf_counter()
            trial = self._suggest(1, "latency-measure")[0]
            seconds.append(time.perf_counter() - started)
            methods.check_origin(trial, self._sampler)
            self._complete(trial, "latency-measure")
        return seconds

    def status(self):
        return self._client.call("GetStudy", self._pb.GetStudyRequest(name=self.name)) \
            .sampler_status

    def close(self):
        self._study.delete()


def optuna_ask_seconds(points, rounds, seed):
    """Seconds of each TPESampler ask() after add_trials(points), each told before the next."""
    import optuna
    from optuna.distributions import FloatDistribution
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dim = len(points[0]) if len(points) else 0
    distributions = {f"x{i}": FloatDistribution(0.0, 1.0) for i in range(dim)}
    study = optuna.create_study(direction="minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    study.add_trials([
        optuna.trial.create_trial(params={f"x{i}": float(v) for i, v in enumerate(point)},
                                  distributions=distributions, value=objective(point))
        for point in points])
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        trial = study.ask(fixed_distributions=distributions)
        seconds.append(time.perf_counter() - started)
        study.tell(trial, objective([trial.params[f"x{i}"] for i in range(dim)]))
    return seconds


def floor_seconds(client, repeats):
    from hyperd.client import pb
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.call("GetServerInfo", pb.GetServerInfoRequest())
        seconds.append(time.perf_counter() - started)
    return seconds


def measure(args, client, log):
    results = []
    for sampler, dim, n in args.cases:
        points = np.random.default_rng(args.seed).random((n, dim))
        case = HyperdCase(client, sampler, dim, args.seed)
        try:
            started = time.monotonic()
            case.populate(points)
            populated = time.monotonic() - started
            hyperd_s = case.timed_suggestions(args.repeats + 1)
            status = case.status()
        finally:
            case.close()
        optuna_s = optuna_ask_seconds(points, args.repeats + 1, args.seed) if dim else []
        results.append({"sampler": sampler, "dim": dim, "n": n, "status": status,
                        "hyperd_ms": milliseconds(hyperd_s), "optuna_ms": milliseconds(optuna_s),
                        "populate_s": populated})
        log(f"{sampler} d={dim} n={n}: populated in {populated:.1f}s, hyperd median "
            f"{np.median(hyperd_s[1:]) * 1000:.2f} ms, optuna median "
            f"{np.median(optuna_s[1:]) * 1000:.2f} ms; {status}")
    return results


def markdown(results, floor_ms, repeats):
    lines = [f"### Suggestion latency, ms (median [25th, 75th] of {repeats} sequential "
             "suggestions after the cold one)", "",
             "| sampler | d | n | hyperd cold | hyperd | Optuna TPE ask | Optuna / hyperd | "
             "hyperd status |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        hyperd_median, h25, h75 = report.quartiles(r["hyperd_ms"][1:])
        optuna_median, o25, o75 = report.quartiles(r["optuna_ms"][1:])
        lines.append(f"| {r['sampler']} | {r['dim']} | {r['n']} | {r['hyperd_ms'][0]:.2f} | "
                     f"{hyperd_median:.2f} [{h25:.2f}, {h75:.2f}] | "
                     f"{optuna_median:.2f} [{o25:.2f}, {o75:.2f}] | "
                     f"{optuna_median / hyperd_median:.1f}x | {r['status']} |")
    floor_median, f25, f75 = report.quartiles(floor_ms)
    lines += ["", f"Floor: an empty RPC (GetServerInfo) through the same client takes "
              f"{floor_median:.3f} ms [{f25:.3f}, {f75:.3f}] ({len(floor_ms)} calls).", ""]
    return "\n".join(lines)


def targets(results):
    """The issue's speed targets this run can judge: [(description, met)]."""
    checks = []
    for r in results:
        hyperd_median = float(np.median(r["hyperd_ms"][1:]))
        if r["sampler"] == "gp" and r["dim"] == 6 and r["n"] in (200, 500):
            bound = 20.0 if r["n"] == 200 else 100.0
            checks.append((f"gp suggestion at n={r['n']}, d=6: {hyperd_median:.2f} ms <= "
                           f"{bound:g} ms", hyperd_median <= bound))
        if r["sampler"] == "tpe" and r["dim"] == 10 and r["n"] == 1000:
            ratio = float(np.median(r["optuna_ms"][1:])) / hyperd_median
            checks.append((f"tpe at n=1000, d=10: {ratio:.1f}x faster than Optuna's TPE "
                           "(target >= 10x)", ratio >= 10.0))
    return checks


def main(argv=None):
    args = parse_args(argv)
    hyperd, HyperdServer = methods.import_hyperd(args.hyperd)

    def log(message):
        print(message, file=sys.stderr, flush=True)

    server = HyperdServer(extra_args=["--durability=normal"]).start()
    try:
        client = hyperd.Client(server.address, client_id="bobench-latency")
        floor_ms = milliseconds(floor_seconds(client, args.floor_repeats))
        results = measure(args, client, log)
        client.close()
        server.stop_cleanly()
    except BaseException:
        sys.stderr.write(server.log_text()[-4000:])
        raise
    finally:
        server.cleanup()

    text = markdown(results, floor_ms, args.repeats)
    checks = targets(results)
    text += report.targets_text(checks)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"args": vars(args), "floor_ms": floor_ms, "cases": results,
                       "targets": [{"target": d, "met": m} for d, m in checks]}, f, indent=1)
    if args.check_targets and not all(met for _, met in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
