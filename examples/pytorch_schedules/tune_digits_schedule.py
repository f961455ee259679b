#!/usr/bin/python3
"""Tunes the learning-rate schedule of a PyTorch training job with hyperd: the schedule's family
(linear decay, cosine, WSD), its peak LR and its warm-up are search parameters, so the sampler
tunes the shape like any other hyperparameter.

Each trial trains digits_training's MLP on scikit-learn's digits for --steps SGD steps. The LR of
every step comes from the trial's schedule, evaluated locally by hyperd.TrialLR; the per-step
gradient norms go to hyperd in batches (hyperd.StepReporter), which is what a study with
`"refine": {"enabled": True}` (see bench/schedules/run.py) refines later trials' schedules from.

    scripts/serve                               # a hyperd on 127.0.0.1:50051
    PYTHONPATH=build/python /usr/bin/python3 examples/pytorch_schedules/tune_digits_schedule.py \\
        --trials 12 --steps 1500

Needs python3-torch and python3-sklearn (Debian). See README.md in this folder.
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hyperd  # noqa: E402
import digits_training  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", default=None, help="hyperd host:port (default "
                        "$HYPERD_ADDRESS or 127.0.0.1:50051)")
    parser.add_argument("--study", default="digits-schedule")
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--steps", type=int, default=1500, help="optimizer steps per trial")
    parser.add_argument("--sampler", default="tpe")
    parser.add_argument("--seed", type=int, default=0, help="seed of the training runs")
    args = parser.parse_args()
    torch.set_num_threads(1)

    client = hyperd.Client(args.address)
    study = hyperd.Study.create(
        args.study,
        parameters=[hyperd.Float("lr", 0.003, 0.3, log=True),
                    hyperd.Categorical("shape", ["linear", "cosine", "wsd"]),
                    hyperd.Float("warmup", 0.0, 0.1)],
        objective=(digits_training.OBJECTIVE, "minimize"),
        sampler=args.sampler, max_trials=args.trials, seed=1 + args.seed,
        schedule={
            # Every trial's schedule before its parameters are applied.
            "schedule": {"family": "linear", "base_lr": 0.1, "total_steps": args.steps,
                         "wsd": {"cooldown_fraction": 0.2}},
            # Which parameter sets which schedule field.
            "parameter_fields": {"lr": "base_lr", "shape": "family",
                                 "warmup": "warmup_fraction"}},
        client=client)
    data = digits_training.load_data()
    print(f"Study {study.name}: {args.trials} trials of {args.steps} steps, sampler "
          f"{args.sampler}")
    while (trial := study.suggest()) is not None:
        schedule = trial.schedule
        result = digits_training.train(trial, data, seed=args.seed)
        print(f"  trial {trial.number:2d}: {schedule.family:>6} peak {schedule.base_lr:.4f} "
              f"warm-up {schedule.warmup_steps:3d} steps -> val loss {result['val_loss']:.4f}, "
              f"accuracy {result['accuracy']:.4f} ({result['seconds']:.1f}s)", flush=True)
    best = study.best_trial()
    if best is None:
        print("No trial finished.")
        return 1
    print(f"Best: trial {best.number}, val loss {best.value:.4f}, {best.schedule.family} with "
          f"peak LR {best.schedule.base_lr:.4f} and {best.schedule.warmup_steps} warm-up steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
