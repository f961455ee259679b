"""The studies and screenshots of the dashboard's documentation (docs/images/dashboard-*.png):
a Hyperband study of a few hundred trials (fill_study), a study with a learning-rate schedule
per trial and a bandit study, then a PNG of each page.

    create_schedule_study(client)
    create_bandit_study(client)
    paths = take_docs_screenshots(pages, client, "mlp-hyperband", "docs/images")
"""

import math
import os
import random

SCHEDULE_STUDY = "resnet-lr-schedule"
BANDIT_STUDY = "optimizer-bandit"
_SHAPE_FLOOR = {"cosine": 0.0, "linear": 0.03, "wsd": 0.01}
_ARM_SUCCESS = {("sgd", "1x"): 0.35, ("sgd", "3x"): 0.45, ("adam", "1x"): 0.7,
                ("adam", "3x"): 0.55, ("adamw", "1x"): 0.75, ("adamw", "3x"): 0.6,
                ("rmsprop", "1x"): 0.5, ("rmsprop", "3x"): 0.4}


def create_schedule_study(client, trials=24, seed=3):
    """A study whose trials each follow a warm-up + {cosine, linear, wsd} schedule with a sampled
    peak learning rate; `trials` trials report 10 epochs and complete."""
    import hyperd
    study = hyperd.Study.create(
        SCHEDULE_STUDY, client=client, seed=seed, sampler="random", max_resource=10,
        resource_unit="epoch", objective=("val_loss", "minimize"),
        parameters=[hyperd.Float("lr", 1e-3, 1.0, log=True),
                    hyperd.Categorical("shape", ["cosine", "linear", "wsd"])],
        schedule={"schedule": {"family": "cosine", "base_lr": 0.1, "total_steps": 200,
                               "warmup_steps": 10},
                  "parameter_fields": {"lr": "base_lr", "shape": "family"}},
        description="peak learning rate and schedule shape of a ResNet-18 (synthetic curves)")
    for _ in range(trials):
        trial = study.suggest()
        rng = random.Random(seed * 7919 + trial.number)
        floor = (0.2 + 0.08 * abs(math.log10(trial.params["lr"]) + 1.3)
                 + _SHAPE_FLOOR[trial.params["shape"]])
        for epoch in range(1, 11):
            trial.report(epoch, floor + 1.5 / epoch + rng.gauss(0.0, 0.01))
        trial.complete()
    return study


def create_bandit_study(client, pulls=160, seed=4):
    """A UCB1 bandit over 8 arms (optimizer x learning-rate scale) with Bernoulli rewards."""
    import hyperd
    study = hyperd.Study.create(
        BANDIT_STUDY, client=client, seed=seed, sampler="ucb1",
        objective=("success", "maximize"),
        parameters=[hyperd.Categorical("optimizer", ["sgd", "adam", "adamw", "rmsprop"]),
                    hyperd.Categorical("lr_scale", ["1x", "3x"])],
        description="which optimizer setting converges within budget (Bernoulli rewards)")
    rng = random.Random(seed)
    for _ in range(pulls):
        trial = study.suggest()
        arm = (trial.params["optimizer"], trial.params["lr_scale"])
        trial.complete(1.0 if rng.random() < _ARM_SUCCESS[arm] else 0.0)
    return study


def _most_measured_stopped_trial(client, study_id):
    """The number of the PRUNED trial with the most measurements (a long curve that the
    scheduler still stopped), or of any trial when none was pruned."""
    import hyperd
    study = hyperd.Study.get(study_id, client=client)
    best = None
    for trial in study.trials(states=["PRUNED"], page_size=1000):
        if best is None or len(trial.measurements) > len(best.measurements):
            best = trial
    if best is None:
        best = next(study.trials(page_size=1))
    return best.number


def take_docs_screenshots(pages, client, study_id, out_dir):
    """Screenshots of the study list, `study_id`'s page (full page), its longest stopped trial,
    the schedule and bandit studies' pages and, cropped, their schedule and arms sections, as
    out_dir/dashboard-*.png. Returns the paths."""
    os.makedirs(out_dir, exist_ok=True)
    browser = pages.browser
    shots = []

    def shot(name, full_page=False, selector=None):
        shots.append(browser.screenshot(os.path.join(out_dir, f"dashboard-{name}.png"),
                                        full_page=full_page, selector=selector))

    pages.open_studies()
    shot("studies", full_page=True)
    pages.open_study(study_id, timeout_s=60)
    shot("study", full_page=True)
    pages.open_trial(study_id, _most_measured_stopped_trial(client, study_id))
    shot("trial", full_page=True)
    pages.open_study(SCHEDULE_STUDY)
    shot("schedule-study", full_page=True)
    shot("lr-schedules", selector='section:has([data-chart="schedules"])')
    pages.open_study(BANDIT_STUDY)
    shot("bandit-study", full_page=True)
    shot("bandit-arms", selector='section:has([data-chart="arms"])')
    return shots
