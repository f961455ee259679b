"""A real PyTorch training job that follows a hyperd trial's learning-rate schedule.

A multilayer perceptron (64-128-128-10, ReLU) learns scikit-learn's digits data (1797 8x8 images,
shipped with scikit-learn: nothing is downloaded) with SGD and momentum 0.9, minibatches of 32,
on the CPU. The trial's schedule sets the LR of every optimizer step through hyperd.TrialLR
(evaluated locally: no RPC per step), every step's loss and pre-clip gradient norms go to hyperd
in batches through hyperd.StepReporter (they are what refinement learns from), the validation
loss is reported every `eval_every` steps, and the trial is completed with the final validation
loss, the study's objective.

    trial = study.suggest()
    result = train(trial, load_data(), seed=0, steps=trial.schedule.total_steps)

Used by tune_digits_schedule.py (an example study) and bench/schedules/run.py (the comparison of
schedules in docs/benchmarks.md).
"""

import math
import time

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import hyperd

OBJECTIVE = "val_loss"
# The validation split is fixed; the seed of a run sets the initial weights and the batch order.
SPLIT_SEED = 0
VALIDATION_FRACTION = 0.33


def load_data():
    """{"x_train", "y_train", "x_val", "y_val"}: digits scaled to [0, 1], split 67/33
    (1203 / 594 images), stratified."""
    features, labels = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(
        features / 16.0, labels, test_size=VALIDATION_FRACTION, stratify=labels,
        random_state=SPLIT_SEED)
    return {"x_train": torch.tensor(x_train, dtype=torch.float32),
            "y_train": torch.tensor(y_train),
            "x_val": torch.tensor(x_val, dtype=torch.float32),
            "y_val": torch.tensor(y_val)}


def make_model(hidden=128):
    return torch.nn.Sequential(
        torch.nn.Linear(64, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, 10))


def evaluate(model, data):
    """(validation cross-entropy, validation accuracy)."""
    with torch.no_grad():
        logits = model(data["x_val"])
        loss = torch.nn.functional.cross_entropy(logits, data["y_val"]).item()
        accuracy = (logits.argmax(dim=1) == data["y_val"]).double().mean().item()
    return loss, accuracy


def train(trial, data, seed, steps=None, batch_size=32, hidden=128, momentum=0.9,
          eval_every=None, report_every=50):
    """Trains one trial for `steps` optimizer updates (default: its schedule's total_steps)
    and completes it with the final validation loss.

    Returns {"val_loss", "accuracy", "train_loss" (mean of the last 50 steps), "steps" (updates
    made), "diverged", "seconds", "lrs" (the LR of every update), "grad_norms" (l2, pre-clip)}.
    A non-finite training loss ends the run early (hyperd then fails the trial: "non-finite
    objective") with val_loss = inf.
    """
    steps = trial.schedule.total_steps if steps is None else int(steps)
    eval_every = eval_every or max(1, steps // 4)
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = make_model(hidden)
    # lr=0: the LR of every step comes from the trial's schedule.
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0, momentum=momentum)
    scheduler = hyperd.TrialLR(optimizer, trial)
    x_train, y_train = data["x_train"], data["y_train"]
    order = torch.randperm(len(x_train), generator=generator)
    position = 0
    lrs, norms, losses = [], [], []
    diverged = False
    start = time.monotonic()
    with hyperd.StepReporter(trial, every=report_every, scheduler=scheduler):
        for t in range(steps):
            if position + batch_size > len(x_train):  # a new epoch: reshuffle
                order = torch.randperm(len(x_train), generator=generator)
                position = 0
            batch = order[position:position + batch_size]
            position += batch_size
            loss = torch.nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            l2, l1 = hyperd.gradient_norms(model.parameters())  # before any clipping
            lrs.append(optimizer.param_groups[0]["lr"])
            norms.append(l2)
            losses.append(loss.item())
            optimizer.step()
            # Records update t (its LR, loss, norms) through the reporter, then moves to t + 1.
            scheduler.step(loss=losses[-1], grad_norm_l2=l2, grad_norm_l1=l1)
            if not math.isfinite(losses[-1]):
                diverged = True
                break
            if (t + 1) % eval_every == 0 and t + 1 < steps:
                val_loss, accuracy = evaluate(model, data)
                if trial.report(t + 1, val_loss, accuracy=accuracy):
                    break  # the study's scheduler stopped the trial early
    val_loss, accuracy = evaluate(model, data)
    if diverged or not math.isfinite(val_loss):
        val_loss, accuracy = math.inf, 0.0
    trial.complete(val_loss, accuracy=accuracy)  # FAILED for a non-finite objective
    tail = [x for x in losses[-50:] if math.isfinite(x)]
    return {"val_loss": val_loss, "accuracy": accuracy,
            "train_loss": sum(tail) / len(tail) if tail else math.inf,
            "steps": len(losses), "diverged": diverged,
            "seconds": time.monotonic() - start, "lrs": lrs, "grad_norms": norms}
