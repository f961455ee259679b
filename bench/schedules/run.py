#!/usr/bin/python3
"""Learning-rate schedules on a real training job, through hyperd: linear decay, cosine, WSD and
the schedule refined from a linear-decay run's gradient norms, at the same step budget and a
swept peak LR, medians over seeds (docs/benchmarks.md, "Learning-rate schedules").

The job is examples/pytorch_schedules/digits_training.py: an MLP on scikit-learn's digits with
SGD + momentum 0.9, batch 32, T optimizer steps on the CPU, objective the final validation loss.
Every run is a hyperd trial whose schedule comes from the study (hyperd.TrialLR evaluates it
locally) and whose per-step gradient norms go to hyperd (hyperd.StepReporter). Per seed:

* study `…-refine-s<seed>`: linear decay with 5 % warm-up, `refine` enabled, the peak LR a
  search parameter. The first trials (one per peak LR, handed out together) follow linear
  decay; once they have finished, hyperd refines the shape from the gradient norms of the best
  of them (Defazio et al. 2023: the paper's run A at its tuned LR), and the next trials (one per
  peak LR again: the paper re-sweeps the LR) get that TABULATED shape.
* study `…-shapes-s<seed>`: the family ("cosine" or "wsd", 20 % linear cooldown) and the peak LR
  are search parameters mapped onto the schedule (parameter_fields), same warm-up.

All configurations are enqueued (study.enqueue), so every schedule sees the same LR grid and
seeds. Each schedule is reported at its best peak LR (lowest median over seeds). The convex-bound
planner (PlanSchedules, Schaipp et al. 2025) is asked which peak LR it would transfer from
linear decay's best to the others; the table shows it next to the measured best.

    PYTHONPATH=build/python /usr/bin/python3 bench/schedules/run.py \\
        --hyperd build/server/hyperd            # ~10 minutes on 2 cores; plots to docs/schedules

--smoke runs a few dozen steps with one seed (ctest bench_schedules_smoke). Exits 77 (skipped)
when torch is not installed.
"""

import argparse
import importlib
import importlib.util
import json
import math
import multiprocessing
import os
import statistics
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.dirname(os.path.dirname(_HERE))
sys.path.insert(0, os.path.join(_REPO, "examples", "pytorch_schedules"))

SKIPPED = 77  # ctest SKIP_RETURN_CODE
SCHEDULES = ("linear", "cosine", "wsd", "refined")
LABELS = {"linear": "linear decay", "cosine": "cosine", "wsd": "WSD (20 % linear cooldown)",
          "refined": "refined from linear decay's norms"}
DEFAULT_LRS = (0.01, 0.0178, 0.0316, 0.0562, 0.1, 0.178, 0.316)


def import_hyperd(hyperd_binary):
    """(the hyperd package, tests/e2e's HyperdServer): the package as installed, else from
    <build>/python next to the binary."""
    try:
        importlib.import_module("hyperd.v1.hyperd_pb2")
    except ImportError:
        build_dir = os.path.dirname(os.path.dirname(os.path.abspath(hyperd_binary)))
        sys.path.insert(0, os.path.join(build_dir, "python"))
    sys.path.insert(0, os.path.join(_REPO, "tests", "e2e"))
    os.environ["HYPERD_BINARY"] = hyperd_binary
    return (importlib.import_module("hyperd"),
            importlib.import_module("python_hyperd_server").HyperdServer)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hyperd", default=os.environ.get(
        "HYPERD_BINARY", os.path.join(_REPO, "build", "server", "hyperd")),
        help="hyperd binary to start (default $HYPERD_BINARY or build/server/hyperd)")
    parser.add_argument("--steps", type=int, default=2000, help="optimizer steps per run (T)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--lrs", default=",".join(map(str, DEFAULT_LRS)),
                        help="peak LRs, comma-separated")
    parser.add_argument("--warmup-fraction", type=float, default=0.05)
    parser.add_argument("--processes", type=int, default=2,
                        help="training processes at once (each uses one thread)")
    parser.add_argument("--out-dir", default=os.path.join(_REPO, "build", "bench_schedules"),
                        help="results.json and table.md go here")
    parser.add_argument("--plots-dir", default=os.path.join(_REPO, "docs", "schedules"),
                        help="PNG plots go here (--smoke: the out-dir)")
    parser.add_argument("--smoke", action="store_true",
                        help="60 steps, 1 seed, 2 LRs, 1 process: checks that it all works")
    args = parser.parse_args(argv)
    args.lrs = [float(v) for v in args.lrs.split(",")]
    if args.smoke:
        args.steps, args.seeds, args.lrs, args.processes = 60, 1, [0.03, 0.1], 1
        args.plots_dir = args.out_dir
    return args


# -- worker processes ----------------------------------------------------------------------------

_WORKER = {}


def _init_worker(address, hyperd_binary):
    import torch  # pylint: disable=import-outside-toplevel
    torch.set_num_threads(1)
    hyperd, _ = import_hyperd(hyperd_binary)
    import digits_training  # pylint: disable=import-outside-toplevel
    _WORKER.update(hyperd=hyperd, client=hyperd.Client(address, timeout=30.0),
                   training=digits_training, data=digits_training.load_data())


_FAMILY = {"linear": "linear", "cosine": "cosine", "wsd": "wsd", "refined": "tabulated"}


def _train(job):
    """Asks `study_id` for its next trial (an enqueued configuration), trains it and returns
    the result. The trial's lease starts here, not when the parent enqueued it."""
    hyperd, training = _WORKER["hyperd"], _WORKER["training"]
    study = hyperd.Study.get(job["study_id"], client=_WORKER["client"])
    trial = study.suggest()
    if trial is None:
        raise RuntimeError(f"{study.name} has no trial left ({study.last_suggest_reason})")
    schedule = job["schedule"] or trial.params["shape"]
    if trial.schedule.family != _FAMILY[schedule]:
        raise RuntimeError(f"{trial.name} should follow {schedule} but got the family "
                           f"{trial.schedule.family}")
    result = training.train(trial, _WORKER["data"], seed=job["seed"], steps=job["steps"])
    result.update(job, schedule=schedule, lr=trial.params["lr"], number=trial.number,
                  base_lr=trial.schedule.base_lr, state=trial.state)
    if job["seed"] != 0:  # keep the per-step series of seed 0 only (plots)
        result.pop("lrs")
        result.pop("grad_norms")
    return result


# -- the benchmark ---------------------------------------------------------------------------------


def create_studies(hyperd, client, args, seed, prefix):
    warmup = max(1, round(args.warmup_fraction * args.steps))
    base = {"family": "linear", "base_lr": 0.1, "total_steps": args.steps,
            "warmup_steps": warmup}
    lr = hyperd.Float("lr", min(args.lrs), max(args.lrs), log=True)
    refine = hyperd.Study.create(
        f"{prefix}-refine-s{seed}", parameters=[lr], objective=("val_loss", "minimize"),
        schedule={"schedule": base, "parameter_fields": {"lr": "base_lr"},
                  "refine": {"enabled": True, "norm": "l2_sgd"}},
        seed=1000 + seed, client=client)
    shapes = hyperd.Study.create(
        f"{prefix}-shapes-s{seed}", parameters=[lr, hyperd.Categorical("shape", ["cosine", "wsd"])],
        objective=("val_loss", "minimize"),
        schedule={"schedule": base, "parameter_fields": {"lr": "base_lr", "shape": "family"}},
        seed=1000 + seed, client=client)
    return refine, shapes


def enqueue(study, configurations, seed, steps, schedule):
    """Enqueues the configurations and returns one training job per configuration. The
    server fixes a trial's schedule when it is enqueued (for a refining study: refined from
    the runs finished by then); a worker takes the trial when it starts training it.
    schedule: the label of the runs, or None when the "shape" parameter names it."""
    for params in configurations:
        study.enqueue(params)
    return [{"study_id": study.study_id, "seed": seed, "steps": steps, "schedule": schedule}
            for _ in configurations]


def run_jobs(pool, jobs, results, started):
    for result in pool.imap_unordered(_train, jobs):
        results.append(result)
        print(f"  [{time.monotonic() - started:6.0f}s] seed {result['seed']} "
              f"{result['schedule']:>7} lr {result['lr']:.4g}: val loss "
              f"{result['val_loss']:.4f}, accuracy {result['accuracy']:.4f} "
              f"({result['seconds']:.1f}s)", flush=True)


def run(args, hyperd, address):
    client = hyperd.Client(address)
    prefix = f"digits-{args.steps}-{int(time.time())}"
    context = multiprocessing.get_context("spawn")  # fresh torch and gRPC per worker
    results = []
    started = time.monotonic()
    studies = {seed: create_studies(hyperd, client, args, seed, prefix)
               for seed in range(args.seeds)}
    with context.Pool(args.processes, initializer=_init_worker,
                      initargs=(address, args.hyperd)) as pool:
        # Phase 1: linear decay (the refinement source runs), cosine and WSD.
        jobs = []
        for seed, (refine, shapes) in studies.items():
            jobs += enqueue(refine, [{"lr": lr} for lr in args.lrs], seed, args.steps,
                            "linear")
            jobs += enqueue(shapes, [{"lr": lr, "shape": s} for s in ("cosine", "wsd")
                                     for lr in args.lrs], seed, args.steps, None)
        print(f"phase 1: {len(jobs)} runs of {args.steps} steps", flush=True)
        run_jobs(pool, jobs, results, started)
        # Phase 2: the refined shape at every peak LR. Enqueued now, when the best finished
        # trial of each refine study is its best linear-decay run.
        jobs = []
        for seed, (refine, _) in studies.items():
            jobs += enqueue(refine, [{"lr": lr} for lr in args.lrs], seed, args.steps,
                            "refined")
        print(f"phase 2: {len(jobs)} runs with the refined schedule", flush=True)
        run_jobs(pool, jobs, results, started)
    refined_shapes = {}
    for seed, (refine, _) in studies.items():
        trial = refine.get_trial(len(args.lrs))  # the first refined trial
        if trial.schedule.family != "tabulated":
            raise RuntimeError(f"{trial.name} got {trial.schedule.family}, not the refined "
                               "(tabulated) shape")
        refined_shapes[seed] = trial.schedule
    return results, refined_shapes, time.monotonic() - started


def summarize(results, args):
    """{schedule: {lr: (median val loss, median accuracy, [val loss per seed])}}."""
    table = {}
    for schedule in SCHEDULES:
        table[schedule] = {}
        for lr in args.lrs:
            runs = sorted((r for r in results if r["schedule"] == schedule and r["lr"] == lr),
                          key=lambda r: r["seed"])
            if not runs:
                continue
            losses = [r["val_loss"] for r in runs]
            table[schedule][lr] = (statistics.median(losses),
                                   statistics.median(r["accuracy"] for r in runs), losses)
    return table


def best_lr(cells):
    return min(cells, key=lambda lr: (cells[lr][0], lr))


def plan_transfer(hyperd, client, args, table, refined_shape):
    """Peak LRs the convex bound transfers from linear decay's best to each schedule."""
    warmup = max(1, round(args.warmup_fraction * args.steps))
    common = {"total_steps": args.steps, "warmup_steps": warmup, "base_lr": 1.0}
    schedules = [dict(common, family="linear"), dict(common, family="cosine"),
                 dict(common, family="wsd", cooldown_fraction=0.2),
                 hyperd.Schedule("tabulated", base_lr=1.0, total_steps=args.steps,
                                 shape=refined_shape.shape)]
    plan = hyperd.plan_schedules(schedules, horizon=args.steps,
                                 tuned_base_lr=best_lr(table["linear"]), client=client)
    return dict(zip(SCHEDULES, (b.transferred_base_lr for b in plan.bounds)))


def markdown(table, transfer, args, seconds):
    lines = [
        "| schedule | best peak LR | median final val loss | min - max over seeds | "
        "median val accuracy | LR predicted by the convex bound |",
        "|---|---|---|---|---|---|"]
    for schedule in SCHEDULES:
        cells = table[schedule]
        lr = best_lr(cells)
        median, accuracy, losses = cells[lr]
        edge = " (grid edge)" if lr in (min(args.lrs), max(args.lrs)) else ""
        lines.append(f"| {LABELS[schedule]} | {lr:g}{edge} | {median:.4f} | {min(losses):.4f} - "
                     f"{max(losses):.4f} | {accuracy:.4f} | {transfer[schedule]:.3g} |")
    lines += ["", "Median final validation loss over seeds at each peak LR:", "",
              "| schedule | " + " | ".join(f"{lr:g}" for lr in args.lrs) + " |",
              "|---|" + "---|" * len(args.lrs)]
    for schedule in SCHEDULES:
        cells = table[schedule]
        lines.append(f"| {LABELS[schedule]} | " + " | ".join(
            f"{cells[lr][0]:.4f}" if lr in cells else "-" for lr in args.lrs) + " |")
    lines.append("")
    lines.append(f"T = {args.steps} steps, {args.seeds} seeds, peak LRs "
                 f"{', '.join(f'{lr:g}' for lr in args.lrs)}; {seconds / 60:.1f} minutes with "
                 f"{args.processes} processes.")
    return "\n".join(lines)


def pairwise(table, a, b):
    """How many seeds schedule `a` at its best LR beats `b` at its best LR (lower val loss)."""
    la = table[a][best_lr(table[a])][2]
    lb = table[b][best_lr(table[b])][2]
    return sum(x < y for x, y in zip(la, lb)), len(la)


def plot(results, table, refined_shapes, args, hyperd):
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    os.makedirs(args.plots_dir, exist_ok=True)
    colors = {"linear": "tab:blue", "cosine": "tab:orange", "wsd": "tab:green",
              "refined": "tab:red"}
    paths = []

    # The schedules' LR curves at their best peak LR, and the norms refinement learned from.
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    for schedule in SCHEDULES:
        lr = best_lr(table[schedule])
        run = next((r for r in results if r["schedule"] == schedule and r["seed"] == 0
                    and r["lr"] == lr and "lrs" in r), None)
        if run is not None:
            top.plot(run["lrs"], color=colors[schedule], label=f"{LABELS[schedule]}, peak {lr:g}")
    top.set_ylabel("learning rate")
    top.set_title(f"Schedules at their best peak LR (digits MLP, T = {args.steps})")
    top.legend(fontsize=8)
    best_linear = best_lr(table["linear"])
    source = next(r for r in results if r["schedule"] == "linear" and r["seed"] == 0
                  and r["lr"] == best_linear)
    bottom.plot(source["grad_norms"], color="0.6", linewidth=0.5, label="per step")
    width = max(1, len(source["grad_norms"]) // 20)
    smooth = [statistics.median(source["grad_norms"][max(0, i - width):i + width + 1])
              for i in range(len(source["grad_norms"]))]
    bottom.plot(smooth, color="tab:blue", label=f"running median ({2 * width + 1} steps)")
    bottom.set_yscale("log")
    bottom.set_ylabel("gradient norm (l2)")
    bottom.set_xlabel("optimizer step")
    bottom.set_title(f"Gradient norms of linear decay at peak {best_linear:g} (seed 0): the "
                     "refinement's input", fontsize=9)
    bottom.legend(fontsize=8)
    fig.tight_layout()
    paths.append(os.path.join(args.plots_dir, "lr_schedules.png"))
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    # Validation loss against the peak LR, per schedule: median and range over seeds.
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for schedule in SCHEDULES:
        lrs = sorted(table[schedule])
        medians = [table[schedule][lr][0] for lr in lrs]
        low = [min(table[schedule][lr][2]) for lr in lrs]
        high = [max(table[schedule][lr][2]) for lr in lrs]
        ax.plot(lrs, medians, marker="o", color=colors[schedule], label=LABELS[schedule])
        ax.fill_between(lrs, low, high, color=colors[schedule], alpha=0.12)
    ax.set_xscale("log")
    finite = [v for s in SCHEDULES for cell in table[s].values() for v in cell[2]
              if math.isfinite(v)]
    if finite:
        ax.set_ylim(min(finite) * 0.9, min(max(finite), 4 * min(finite)) * 1.05)
    ax.set_xlabel("peak learning rate")
    ax.set_ylabel("final validation loss")
    ax.set_title(f"Digits MLP, T = {args.steps} steps: median over {args.seeds} seeds "
                 "(band: min - max)", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(os.path.join(args.plots_dir, "val_loss_vs_peak_lr.png"))
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    # The refined shapes of every seed.
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for seed, shape in sorted(refined_shapes.items()):
        ax.plot([shape.shape_at(t) for t in range(args.steps)], linewidth=1,
                label=f"seed {seed}")
    ax.plot([hyperd.Schedule("linear", base_lr=1, total_steps=args.steps).shape_at(t)
             for t in range(args.steps)], color="k", linestyle="--", linewidth=1,
            label="linear decay")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("multiplier of the peak LR")
    ax.set_title("Refined shapes (hyperd refine, from each seed's best linear-decay run)",
                 fontsize=10)
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    paths.append(os.path.join(args.plots_dir, "refined_shapes.png"))
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if importlib.util.find_spec("torch") is None:
        print("torch is not installed (Debian: python3-torch): skipped")
        return SKIPPED
    hyperd, HyperdServer = import_hyperd(args.hyperd)
    os.makedirs(args.out_dir, exist_ok=True)
    server = HyperdServer(extra_args=["--durability=normal"]).start()
    try:
        results, refined_shapes, seconds = run(args, hyperd, server.address)
        table = summarize(results, args)
        transfer = plan_transfer(hyperd, hyperd.Client(server.address), args, table,
                                 refined_shapes[0])
        server.stop_cleanly()
    finally:
        server.cleanup()
    text = markdown(table, transfer, args, seconds)
    lines = [text, ""]
    for a, b in (("linear", "cosine"), ("refined", "linear"), ("linear", "wsd")):
        wins, n = pairwise(table, a, b)
        lines.append(f"- {LABELS[a]} beats {LABELS[b]} (each at its best peak LR) in {wins} of "
                     f"{n} seeds.")
    failed = [r for r in results if r["state"] != "SUCCEEDED"]
    lines.append(f"- {len(results)} runs, {len(failed)} not SUCCEEDED (diverged).")
    report = "\n".join(lines)
    print("\n" + report)
    paths = plot(results, table, refined_shapes, args, hyperd)
    with open(os.path.join(args.out_dir, "table.md"), "w", encoding="utf-8") as f:
        f.write(report + "\n")
    with open(os.path.join(args.out_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"args": vars(args), "seconds": seconds, "transfer": transfer,
                   "runs": [{k: v for k, v in r.items() if k not in ("lrs", "grad_norms")}
                            for r in results]}, f, indent=1)
    print("\nplots: " + ", ".join(paths))
    print(f"results: {os.path.join(args.out_dir, 'results.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
