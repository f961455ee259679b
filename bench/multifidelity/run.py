#!/usr/bin/python3
"""Multi-fidelity scheduling benchmark: hyperd's schedulers against random search and Optuna's
pruners, on the same learning curves and the same compute accounting (epochs trained).

    HYPERD_BINARY=build/server/hyperd /usr/bin/python3 bench/multifidelity/run.py \\
        --family synthetic --seeds 10
    /usr/bin/python3 bench/multifidelity/run.py --hyperd build/server/hyperd --family real

Families (see synthetic_curves.py and real_curves.py):
  synthetic  per seed, a pool of configurations with 81-epoch curves that cross and carry
             realistic validation noise
  real       scikit-learn MLPClassifier on digits: per-epoch validation log-loss of a fixed pool
             of configurations, trained once with partial_fit and cached under the build tree,
             then replayed through the server

Methods: random (hyperd, fifo scheduler: every trial trains R epochs), median, asha
(successive_halving), hyperband (hyperd schedulers, through the Python client against the real
hyperd binary), optuna-sh, optuna-hb, optuna-median (Optuna 3.1 pruners, in-process). Every
method trains the same configurations in the same order (hyperd's random sampler, seeded) with
`--workers` simulated workers, until it has spent the budget B = --random-configs x R epochs,
the compute random search needs for --random-configs full trainings.

Per family it prints, as medians over the seeds: the compute each method needs to reach random
search's final best (and B divided by it), the best final loss at fixed budgets, and how many of
the pool's 10 best final configurations are among the 10 best after the first rung.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.dirname(os.path.dirname(_HERE))

FAMILY_DEFAULTS = {
    # max_resource, random-configs (the budget in full trainings), pool size
    "synthetic": (81, 64, 16384),
    "real": (27, 32, 500),
}
DEFAULT_METHODS = ("random", "median", "asha", "hyperband", "optuna-sh", "optuna-hb")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--family", choices=("synthetic", "real", "both"), default="both")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default %(default)s)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--methods", default=",".join(DEFAULT_METHODS),
                        help="comma-separated; random is needed for the compute-to-target "
                             "column (default %(default)s; also: optuna-median)")
    parser.add_argument("--workers", type=int, default=4, help="parallel simulated workers")
    parser.add_argument("--max-resource", type=int, default=0,
                        help="R in epochs (default: 81 synthetic, 27 real)")
    parser.add_argument("--min-resource", type=int, default=1, help="r, the first rung")
    parser.add_argument("--reduction-factor", type=int, default=3, help="eta")
    parser.add_argument("--random-configs", type=int, default=0,
                        help="budget B in full trainings of R epochs (default: 64 synthetic, "
                             "32 real)")
    parser.add_argument("--pool-size", type=int, default=0,
                        help="configurations in the pool (default: 16384 synthetic, 500 real)")
    parser.add_argument("--crossing", type=float, default=1.0,
                        help="synthetic family only: strength of the effects that make curves "
                             "cross (1: the benchmark's family; smaller values are for the "
                             "sensitivity table only)")
    parser.add_argument("--budgets", default="0.2,1",
                        help="fractions of B at which the best final loss is reported "
                             "(default %(default)s)")
    parser.add_argument("--overlap-size", type=int, default=500,
                        help="configurations over which the top-10 overlap is counted")
    parser.add_argument("--hyperd", default=os.environ.get("HYPERD_BINARY", ""),
                        help="the hyperd binary (default $HYPERD_BINARY)")
    parser.add_argument("--cache-dir", default="",
                        help="where the real curves are cached (default: "
                             "<build>/bench/multifidelity_cache next to the hyperd binary)")
    parser.add_argument("--precompute-processes", type=int, default=2)
    parser.add_argument("--json", default="", help="also write every per-seed result here")
    parser.add_argument("--check-targets", action="store_true",
                        help="exit 1 if a target of the issue is missed")
    parser.add_argument("--verbose", action="store_true", help="print every (seed, method) run")
    args = parser.parse_args(argv)
    if not args.hyperd or not os.access(args.hyperd, os.X_OK):
        parser.error(f"--hyperd={args.hyperd!r} is not an executable: pass the hyperd binary "
                     "(e.g. build/server/hyperd) or set HYPERD_BINARY")
    args.hyperd = os.path.abspath(args.hyperd)
    args.methods = [m for m in args.methods.split(",") if m]
    args.budgets = [float(f) for f in args.budgets.split(",") if f]
    build_dir = os.path.dirname(os.path.dirname(args.hyperd))
    if not args.cache_dir:
        args.cache_dir = os.path.join(build_dir, "bench", "multifidelity_cache")
    args.build_dir = build_dir
    return args


def _import_hyperd(build_dir):
    """Makes the hyperd package importable: as installed, or from <build>/python."""
    try:
        import hyperd  # noqa: F401
        from hyperd.v1 import hyperd_pb2  # noqa: F401
    except ImportError:
        sys.path.insert(0, os.path.join(build_dir, "python"))


def family_setup(args, family):
    default_r, default_k, default_pool = FAMILY_DEFAULTS[family]
    setup = {
        "family": family,
        "max_resource": args.max_resource or default_r,
        "random_configs": args.random_configs or default_k,
        "pool_size": args.pool_size or default_pool,
    }
    setup["budget"] = setup["random_configs"] * setup["max_resource"]
    return setup


def family_curves(args, setup, seed, log):
    """The (pool, curves) a seed replays."""
    if setup["family"] == "synthetic":
        import synthetic_curves
        _, curves = synthetic_curves.make_pool(seed, setup["pool_size"], setup["max_resource"],
                                               args.crossing)
        return curves
    import real_curves
    _, curves = real_curves.load_or_build(args.cache_dir, setup["pool_size"],
                                          setup["max_resource"], args.precompute_processes, log)
    return curves


def run_seed(args, setup, seed, server_address, log):
    import backends
    import simulation
    curves = family_curves(args, setup, seed, log)
    r = setup["max_resource"]
    sequence = backends.HyperdSequence(server_address, setup["family"], seed, setup["pool_size"])
    results = {}
    indices = {}
    for method in args.methods:
        started = time.monotonic()
        if method in backends.HYPERD_METHODS:
            run = backends.HyperdRun(server_address, method, setup["family"], seed,
                                     setup["pool_size"], r, args.workers, args.min_resource,
                                     args.reduction_factor)
        elif method in backends.OPTUNA_METHODS:
            run = backends.OptunaRun(method, sequence, seed, setup["pool_size"], r,
                                     args.min_resource, args.reduction_factor)
        else:
            raise SystemExit(f"--methods: unknown method {method!r}; use "
                             f"{', '.join(backends.ALL_METHODS)}")
        try:
            result = simulation.simulate(run, curves, r, setup["budget"], args.workers)
        finally:
            run.close()
        results[method] = result
        indices[method] = run.indices
        if args.verbose:
            log(f"  {setup['family']} seed {seed} {method:13s} {time.monotonic() - started:6.1f}s "
                f"trials {result.trials_started:5d} completed {len(result.completions):4d} "
                f"best {result.final_best:.4f} brackets {dict(sorted(result.brackets.items()))}")
    # Every method must have trained the same configuration as trial i.
    for method, by_number in indices.items():
        for number, index in by_number.items():
            if index != sequence[number]:
                raise RuntimeError(f"{method} trial {number} trained configuration {index}, "
                                   f"hyperd's sequence says {sequence[number]}")
    sequence.close()
    overlap_curves = curves[:min(args.overlap_size, len(curves))]
    rung_epochs = []
    step = args.min_resource
    while step < r:
        rung_epochs.append(step)
        step *= args.reduction_factor
    shape = {
        "top10_overlap_first_rung": simulation.top_overlap(overlap_curves, args.min_resource),
        "rank_correlation": {e: simulation.rank_correlation(overlap_curves, e)
                             for e in rung_epochs},
    }
    return results, shape


def summarise(args, setup, per_seed):
    """Per-method medians over seeds; returns (rows, summary dict)."""
    import simulation
    budget = setup["budget"]
    summary = {}
    for method in args.methods:
        targets, computes, speedups, reached, trials = [], [], [], 0, []
        best_at = {f: [] for f in args.budgets}
        random_time = []
        for results, _ in per_seed:
            result = results[method]
            trials.append(result.trials_started)
            for f in args.budgets:
                best_at[f].append(result.best_at(int(round(f * budget))))
            if "random" in results:
                target = results["random"].final_best
                compute = result.compute_to_reach(target)
                targets.append(target)
                computes.append(compute)
                speedups.append(budget / compute if compute > 0 else math.inf)
                reached += math.isfinite(compute)
                random_time.append(results["random"].compute_to_reach(target))
        summary[method] = {
            "compute_to_target": simulation.median(computes) if computes else None,
            "speedup_vs_budget": simulation.median(speedups) if speedups else None,
            "speedup_vs_random_time": (simulation.median(
                [rt / c for rt, c in zip(random_time, computes)]) if computes else None),
            "seeds_reached": reached,
            "best_at": {f: simulation.median(v) for f, v in best_at.items()},
            "trials": simulation.median(trials),
            "per_seed_compute_to_target": computes,
            "per_seed_best_at": best_at,
        }
    return summary


def print_table(args, setup, per_seed, summary, out):
    seeds = len(per_seed)
    budget = setup["budget"]
    crossing = (f", crossing {args.crossing:g}"
                if setup["family"] == "synthetic" and args.crossing != 1.0 else "")
    print(f"\n== {setup['family']}{crossing}: R={setup['max_resource']} epochs, "
          f"eta={args.reduction_factor}, "
          f"r={args.min_resource}, {args.workers} workers, budget B={setup['random_configs']}x"
          f"{setup['max_resource']}={budget} epochs, pool {setup['pool_size']} configurations, "
          f"{seeds} seeds (medians) ==", file=out)
    if "random" in summary:
        targets = [results["random"].final_best for results, _ in per_seed]
        rt = summary["random"]["compute_to_target"]
        print(f"target = random search's final best at B: median {np.median(targets):.4f} "
              f"(random search itself found it after {rt:.0f} epochs)", file=out)
    budget_cols = [f"best@{f:g}B" for f in args.budgets]
    header = (f"{'method':14s} {'epochs to target':>16s} {'B/that':>7s} {'reached':>8s} "
              + " ".join(f"{c:>10s}" for c in budget_cols) + f" {'trials':>7s}")
    print(header, file=out)
    print("-" * len(header), file=out)
    for method in args.methods:
        s = summary[method]
        if s["compute_to_target"] is None:
            to_target, speed, reached = "n/a", "n/a", "n/a"
        else:
            c = s["compute_to_target"]
            to_target = f"{c:.0f}" if math.isfinite(c) else f">{budget}"
            speed = f"{s['speedup_vs_budget']:.1f}x"
            reached = f"{s['seeds_reached']}/{seeds}"
        best = " ".join(f"{s['best_at'][f]:10.4f}" for f in args.budgets)
        print(f"{method:14s} {to_target:>16s} {speed:>7s} {reached:>8s} {best} "
              f"{s['trials']:7.0f}", file=out)
    overlaps = [shape["top10_overlap_first_rung"] for _, shape in per_seed]
    corr = {}
    for _, shape in per_seed:
        for e, v in shape["rank_correlation"].items():
            corr.setdefault(e, []).append(v)
    size = min(args.overlap_size, setup["pool_size"])
    print(f"curve family: of the 10 best final configurations (among {size}), "
          f"{np.median(overlaps):g} are in the top 10 after the first rung (epoch "
          f"{args.min_resource}; per seed {overlaps}); Spearman(rung loss, final loss): "
          + ", ".join(f"epoch {e}: {np.median(v):.2f}" for e, v in corr.items()), file=out)


def check_targets(args, setup, summary, out):
    """Prints the issue's targets for this family; returns False if one is missed."""
    ok = True
    family = setup["family"]
    if "random" not in summary:
        return ok
    if family == "synthetic":
        for method in ("asha", "hyperband"):
            if method in summary:
                speedup = summary[method]["speedup_vs_budget"]
                met = speedup >= 5.0
                ok &= met
                print(f"target synthetic {method}: reaches random's best with >= 5x less compute "
                      f"than random's budget: {speedup:.1f}x -> {'MET' if met else 'MISSED'}",
                      file=out)
    else:
        optuna = [m for m in ("optuna-sh", "optuna-hb") if m in summary]
        if not optuna:
            return ok
        best_optuna = min(optuna, key=lambda m: summary[m]["compute_to_target"])
        for method in ("asha", "hyperband"):
            if method not in summary:
                continue
            mine = summary[method]["compute_to_target"]
            theirs = summary[best_optuna]["compute_to_target"]
            met = mine <= theirs
            ok &= met
            print(f"target real {method}: compute to random's best {mine:.0f} <= best Optuna "
                  f"pruner ({best_optuna}) {theirs:.0f} -> {'MET' if met else 'MISSED'}",
                  file=out)
            for f in args.budgets:
                mine_loss = summary[method]["best_at"][f]
                theirs_loss = min(summary[m]["best_at"][f] for m in optuna)
                met = mine_loss <= theirs_loss
                ok &= met
                print(f"target real {method}: best final loss at {f:g}B {mine_loss:.4f} <= best "
                      f"Optuna pruner's {theirs_loss:.4f} -> {'MET' if met else 'MISSED'}",
                      file=out)
    return ok


def main(argv=None):
    args = parse_args(argv)
    _import_hyperd(args.build_dir)
    sys.path.insert(0, _HERE)
    sys.path.insert(0, os.path.join(_REPO, "tests", "e2e"))
    from python_hyperd_server import HyperdServer

    def log(message):
        print(message, file=sys.stderr, flush=True)

    families = ("synthetic", "real") if args.family == "both" else (args.family,)
    os.environ["HYPERD_BINARY"] = args.hyperd
    all_ok = True
    report = {"args": {k: v for k, v in vars(args).items()}, "families": {}}
    server = HyperdServer(extra_args=["--durability=normal"]).start()
    try:
        for family in families:
            setup = family_setup(args, family)
            per_seed = []
            started = time.monotonic()
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                per_seed.append(run_seed(args, setup, seed, server.address, log))
                log(f"{family}: seed {seed} done ({time.monotonic() - started:.0f}s so far)")
            summary = summarise(args, setup, per_seed)
            print_table(args, setup, per_seed, summary, sys.stdout)
            all_ok &= check_targets(args, setup, summary, sys.stdout)
            report["families"][family] = {
                "setup": setup, "summary": summary,
                "shape": [shape for _, shape in per_seed],
                "seconds": time.monotonic() - started}
        server.stop_cleanly()
    except BaseException:
        sys.stderr.write(server.log_text()[-4000:])
        raise
    finally:
        server.cleanup()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, default=lambda o: None if o is None else str(o))
    if args.check_targets and not all_ok:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
