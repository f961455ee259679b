#!/usr/bin/python3
"""The SOR "Learning to Relax" sequence through the real hyperd: examples/sor_omega (the C++
client) picks omega for each of --instances linear systems from a bandit study, for each policy
and seed, and the total SOR iterations are compared with the best fixed omega in hindsight at
200, 1,000 and 5,000 instances. Next to them: the in-process simulation's figures from
docs/benchmarks.md (20 seeds) and, when bench_bandit_sor is built, the in-process simulation on
the same seeds.

    /usr/bin/python3 bench/bandits/sor_through_server.py --build build
    /usr/bin/python3 bench/bandits/sor_through_server.py --build build --seeds 3 \\
        --policies linucb,ucb1 --instances 1000 --check-targets

Seeds match bench_bandit_sor's: run s (0-based) of --base-seed B draws its instance sequence with
seed MixSeed(B, s) and its study's seed is MixSeed(B, 1000 + s), so the study's decision seeds
MixSeed(study seed, trial number) are the simulation's MixSeed(study seed, instance index). For
ucb1, thompson, tsallis_inf and linucb the server then makes exactly the simulation's choices.
EXP3's exploration is tuned for its horizon, so, as in the simulation, EXP3 runs once per
checkpoint T (a study configured for horizon T, T instances) and each ratio comes from its own run.

hyperd runs with --durability=normal by default: the choices and iteration counts do not depend
on it, only the wall time does (each suggestion and completion commits).

Targets (issue 5): every policy's median ratio falls at each checkpoint; linucb's is below 1 at
5,000 instances; every median is at least as good as the simulation's on the same seeds
(--check-targets makes a missed target exit 1).
"""

import argparse
import concurrent.futures
import json
import math
import os
import re
import subprocess
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.dirname(os.path.dirname(_HERE))

CHECKPOINTS = (200, 1000, 5000)
# docs/benchmarks.md "Bandit policies in simulation": median ratio to the best fixed omega over
# 20 seeds (bench_bandit_sor, base seed 1).
DOCS_SIMULATION = {
    "ucb1": (2.34, 2.10, 1.76),
    "thompson": (1.84, 1.48, 1.22),
    "exp3": (2.42, 2.07, 1.75),
    "tsallis_inf": (2.27, 1.87, 1.45),
    "linucb": (1.55, 1.05, 0.81),
}
# Policies configured from the horizon: one run per checkpoint, like bench_bandit_sor's.
HORIZON_DEPENDENT = {"exp3"}
# Two-decimal medians from bench_bandit_sor agree with ours within rounding.
SAME_SEED_TOLERANCE = 0.0051

_MASK = (1 << 64) - 1


def mix64(x):
    """algorithms/samplers/random_bits.cc Mix64 (SplitMix64's finaliser)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def mix_seed(seed, stream):
    return mix64(mix64(seed) ^ mix64(stream))


def median(values):
    values = sorted(values)
    n = len(values)
    if n == 0:
        return float("nan")
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def nearest_rank(values, fraction):
    """bench/sample_stats.cc Percentile: the smallest value with >= fraction of them at or
    below it."""
    values = sorted(values)
    rank = max(1, min(len(values), math.ceil(fraction * len(values))))
    return values[rank - 1]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--build", default=os.path.join(_REPO, "build"),
                        help="CMake build directory holding the binaries (default %(default)s)")
    parser.add_argument("--hyperd", default="", help="default <build>/server/hyperd")
    parser.add_argument("--sor-omega", default="",
                        help="default <build>/examples/sor_omega/sor_omega")
    parser.add_argument("--bench-bandit-sor", default="",
                        help="the in-process simulation for the same-seed column (default "
                             "<build>/bench/bandits/bench_bandit_sor; 'none' skips it)")
    parser.add_argument("--policies", default="ucb1,thompson,linucb,tsallis_inf,exp3")
    parser.add_argument("--instances", type=int, default=5000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--base-seed", type=int, default=1)
    parser.add_argument("--durability", default="normal", choices=("normal", "full"))
    parser.add_argument("--jobs", type=int, default=2,
                        help="sor_omega processes at once (default %(default)s)")
    parser.add_argument("--json", default="", help="write every run's figures here")
    parser.add_argument("--markdown", default="", help="also write the report here")
    parser.add_argument("--check-targets", action="store_true",
                        help="exit 1 if a target of the issue is missed")
    args = parser.parse_args(argv)
    args.hyperd = os.path.abspath(args.hyperd or os.path.join(args.build, "server", "hyperd"))
    args.sor_omega = os.path.abspath(
        args.sor_omega or os.path.join(args.build, "examples", "sor_omega", "sor_omega"))
    if not args.bench_bandit_sor:
        args.bench_bandit_sor = os.path.join(args.build, "bench", "bandits", "bench_bandit_sor")
    for flag, path in (("--hyperd", args.hyperd), ("--sor-omega", args.sor_omega)):
        if not os.access(path, os.X_OK):
            parser.error(f"{flag}={path!r} is not an executable: build it "
                         "(cmake --build build --target hyperd sor_omega) or pass its path")
    if args.bench_bandit_sor != "none" and not os.access(args.bench_bandit_sor, os.X_OK):
        args.bench_bandit_sor = "none"
    args.policies = [p for p in args.policies.split(",") if p]
    if args.instances < 1 or args.seeds < 1 or args.jobs < 1:
        parser.error("--instances, --seeds and --jobs must be >= 1")
    args.checkpoints = [c for c in CHECKPOINTS if c < args.instances] + [args.instances]
    return args


_ROW = re.compile(r"^\| (\d+) \| (\d+) \| (\d+) \(omega ([0-9.]+)\) \| (\d+) \| ([0-9.]+) \| "
                  r"([0-9.]+) \| ([0-9.]+) \|$")


def parse_sor_omega(stdout):
    """{checkpoint: {...}} from sor_omega's table."""
    rows = {}
    for line in stdout.splitlines():
        m = _ROW.match(line.strip())
        if m:
            rows[int(m.group(1))] = {
                "total": int(m.group(2)), "best_fixed": int(m.group(3)),
                "best_fixed_omega": float(m.group(4)), "instance_optimal": int(m.group(5)),
                "ratio": float(m.group(6)), "ratio_to_instance_optimal": float(m.group(7)),
                "instance_optimal_ratio": float(m.group(8))}
    return rows


def run_sor_omega(args, address, policy, index, instances):
    """One sor_omega run of `instances` instances; its rows at the checkpoints that fit."""
    seed = mix_seed(args.base_seed, index)
    study_seed = mix_seed(args.base_seed, 1000 + index)
    command = [args.sor_omega, f"--address={address}", f"--policy={policy}",
               f"--instances={instances}", f"--seed={seed}", f"--study-seed={study_seed}",
               f"--study-prefix=sorbench-{index}-t{instances}"]
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {completed.returncode}:\n"
                           f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    rows = parse_sor_omega(completed.stdout)
    wanted = [c for c in args.checkpoints if c <= instances]
    missing = [c for c in wanted if c not in rows]
    if missing:
        raise RuntimeError(f"{' '.join(command)}: no ratio line for {missing}:\n"
                           f"{completed.stdout}")
    return {"policy": policy, "seed_index": index, "seed": seed, "study_seed": study_seed,
            "instances": instances, "seconds": seconds,
            "rows": {str(c): rows[c] for c in wanted}}


def merge_horizons(runs):
    """One record per (policy, seed). A horizon-dependent policy ran once per checkpoint T: its
    ratio at T comes from the run configured for T."""
    merged = {}
    for run in runs:
        key = (run["policy"], run["seed_index"])
        record = merged.setdefault(key, dict(run, rows={}, seconds=0.0, horizons=[]))
        own = str(run["instances"])
        rows = {own: run["rows"][own]} if run["policy"] in HORIZON_DEPENDENT else run["rows"]
        record["rows"].update(rows)
        record["seconds"] = max(record["seconds"], run["seconds"])
        record["horizons"].append(run["instances"])
    return list(merged.values())


def same_seed_simulation(args):
    """{policy: [median ratio per checkpoint]} from bench_bandit_sor on the same seeds, or {}."""
    if args.bench_bandit_sor == "none":
        return {}
    command = [args.bench_bandit_sor, f"--instances={args.instances}", f"--seeds={args.seeds}",
               f"--seed={args.base_seed}", f"--policies={','.join(args.policies)}",
               f"--checkpoints={','.join(str(c) for c in args.checkpoints)}"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {completed.returncode}:\n"
                           f"{completed.stderr[-3000:]}")
    section = completed.stdout.split("### Total iterations / best fixed omega in hindsight")[1]
    section = section.split("###")[0]
    medians = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] in args.policies:
            medians[cells[0]] = [float(c.split()[0]) for c in cells[1:]]
    return medians


def summarise(args, runs):
    """{policy: {checkpoint: {median, q25, q75}}} and the instance-optimal ratio."""
    summary = {}
    for policy in args.policies:
        summary[policy] = {}
        for c in args.checkpoints:
            ratios = [r["rows"][str(c)]["ratio"] for r in runs if r["policy"] == policy]
            summary[policy][c] = {"median": median(ratios), "q25": nearest_rank(ratios, 0.25),
                                  "q75": nearest_rank(ratios, 0.75), "ratios": ratios}
    optimal = {}
    for c in args.checkpoints:
        by_seed = {r["seed_index"]: r["rows"][str(c)]["instance_optimal_ratio"] for r in runs}
        optimal[c] = median(list(by_seed.values()))
    return summary, optimal


def targets(args, summary, same_seed):
    checks = []
    for policy in args.policies:
        medians = [summary[policy][c]["median"] for c in args.checkpoints]
        falling = all(a > b for a, b in zip(medians, medians[1:]))
        checks.append((f"{policy}: the median ratio falls at each checkpoint "
                       f"({' > '.join(f'{m:.2f}' for m in medians)})", falling))
        if policy in same_seed:
            for c in args.checkpoints:
                ours = summary[policy][c]["median"]
                theirs = same_seed[policy][args.checkpoints.index(c)]
                checks.append((f"{policy} at {c}: {ours:.3f} through the server <= {theirs:.2f} "
                               "in process, same seeds", ours <= theirs + SAME_SEED_TOLERANCE))
    if "linucb" in args.policies and args.instances >= 5000:
        ratio = summary["linucb"][args.instances]["median"]
        checks.append((f"linucb beats the best fixed omega at {args.instances} instances "
                       f"({ratio:.3f} < 1)", ratio < 1))
    return checks


def markdown(args, summary, optimal, same_seed, runs, wall_seconds):
    header = " | ".join(f"T = {c}" for c in args.checkpoints)
    per_horizon = ", ".join(sorted(HORIZON_DEPENDENT & set(args.policies))) or "No policy"
    lines = [f"### SOR sequence through hyperd: total iterations / best fixed omega in hindsight "
             f"(median [25th, 75th] over {args.seeds} seeds)", "",
             f"sor_omega x {len(runs)} (policy, seed) pairs against one hyperd "
             f"(--durability={args.durability}), "
             f"{args.instances} instances each, base seed {args.base_seed}; "
             f"{wall_seconds:.0f} s wall time. {per_horizon} ran once per checkpoint, "
             "configured for that horizon, as in the simulation.", "",
             f"| policy | {header} | simulation, docs (20 seeds) | simulation, same seeds |",
             "|---|" + "---|" * len(args.checkpoints) + "---|---|"]
    for policy in args.policies:
        cells = [f"{s['median']:.2f} [{s['q25']:.2f}, {s['q75']:.2f}]"
                 for s in (summary[policy][c] for c in args.checkpoints)]
        docs = DOCS_SIMULATION.get(policy)
        docs_cell = " / ".join(f"{v:.2f}" for v in docs) if docs else "-"
        same = same_seed.get(policy)
        same_cell = " / ".join(f"{v:.2f}" for v in same) if same else "-"
        lines.append(f"| {policy} | {' | '.join(cells)} | {docs_cell} | {same_cell} |")
    lines.append(f"| instance-optimal omega | "
                 f"{' | '.join(f'{optimal[c]:.2f}' for c in args.checkpoints)} | "
                 "0.57 (64.3 / 112.4) | - |")
    per_run = median([r["seconds"] for r in runs if r["horizons"] == [args.instances]] or
                     [r["seconds"] for r in runs])
    lines += ["", f"The docs column is at T = {' / '.join(str(c) for c in CHECKPOINTS)}. A run "
              f"of {args.instances} instances (a SuggestTrials, an SOR solve and a CompleteTrial "
              f"each) took {per_run:.1f} s (median), "
              f"{1e6 * per_run / args.instances:.0f} us per instance.", ""]
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, os.path.join(_REPO, "tests", "e2e"))
    os.environ["HYPERD_BINARY"] = args.hyperd
    from python_hyperd_server import HyperdServer  # noqa: E402  (needs HYPERD_BINARY)

    started = time.monotonic()
    server = HyperdServer(extra_args=[f"--durability={args.durability}"]).start()
    try:
        jobs = [(policy, s, horizon) for policy in args.policies for s in range(args.seeds)
                for horizon in (args.checkpoints if policy in HORIZON_DEPENDENT
                                else [args.instances])]
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_sor_omega, args, server.address, policy, s, horizon)
                       for policy, s, horizon in jobs]
            runs = []
            for future in futures:
                run = future.result()
                runs.append(run)
                last = run["rows"][str(run["instances"])]
                print(f"{run['policy']} seed {run['seed_index']}: ratio {last['ratio']:.3f} at "
                      f"{run['instances']} ({run['seconds']:.1f} s)", file=sys.stderr,
                      flush=True)
        server.stop_cleanly()
    except BaseException:
        sys.stderr.write(server.log_text()[-4000:])
        raise
    finally:
        server.cleanup()
    wall_seconds = time.monotonic() - started
    runs = merge_horizons(runs)
    same_seed = same_seed_simulation(args)
    summary, optimal = summarise(args, runs)
    checks = targets(args, summary, same_seed)
    text = markdown(args, summary, optimal, same_seed, runs, wall_seconds)
    text += "\nTargets:\n" + "\n".join(f"- {'MET' if met else 'MISSED'}: {d}"
                                       for d, met in checks) + "\n"
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"args": {k: v for k, v in vars(args).items()}, "runs": runs,
                       "same_seed_simulation": same_seed,
                       "targets": [{"target": d, "met": m} for d, m in checks]}, f, indent=1)
    if args.check_targets and not all(met for _, met in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
