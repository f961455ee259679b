"""The server's stateless schedule tools: refinement from gradient norms, and the convex-bound
planner.

    refined = hyperd.refine_schedule(norms)                 # norms of steps 0 ... T-1
    refined.schedule                                        # a TABULATED hyperd.Schedule
    plan = hyperd.plan_schedules(["linear", "cosine", {"family": "wsd"}], horizon=1000,
                                 tuned_base_lr=0.1)         # LR transfer from the first one
    [b.transferred_base_lr for b in plan.bounds]

refine_schedule is Defazio et al. 2023 ("When, Why and How Much? Adaptive Learning Rate
Scheduling by Refinement"): the schedule whose last-iterate bound is smallest for the observed
gradient norms (median-filtered), as a shape on normalised time. plan_schedules evaluates the
convex bound of Schaipp et al. 2025 for each schedule: its optimal base LR, the ratio that
transfers a tuned LR from the first schedule to the others, and optionally the cooldown for
continuing a WSD run to a longer horizon. Both are one RPC; nothing is stored.
"""

import collections
import numbers

from hyperd.client import Client
from hyperd.client import pb
from hyperd.schedule import Schedule
from hyperd.schedule import schedule_to_proto

# The reply of refine_schedule: schedule (a hyperd.Schedule, TABULATED), multipliers (s_t for
# t = 0 ... output_steps-1), fell_back_to_linear_decay and fallback_reason (too few steps or too
# many non-finite norms: linear decay is returned, spec §2.5).
RefinedSchedule = collections.namedtuple(
    "RefinedSchedule", "schedule multipliers fell_back_to_linear_decay fallback_reason")

# One schedule's line of plan_schedules: optimal_base_lr and bound (D = G = 1),
# lr_ratio_to_first (multiply a base LR tuned for the first schedule by it), transferred_base_lr
# (tuned_base_lr * lr_ratio_to_first, 0 without tuned_base_lr).
ScheduleBound = collections.namedtuple(
    "ScheduleBound", "optimal_base_lr bound lr_ratio_to_first transferred_base_lr")

# plan_schedules' reply: bounds (one ScheduleBound per schedule, in order) and extension (the
# hyperd.v1.CooldownExtensionPlan message when an extension was asked for, else None).
SchedulePlan = collections.namedtuple("SchedulePlan", "bounds extension")

_NORM_KINDS = {"l2_sgd": pb.L2_SGD, "l2": pb.L2_SGD, "sgd": pb.L2_SGD,
               "l1_adam": pb.L1_ADAM, "l1": pb.L1_ADAM, "adam": pb.L1_ADAM}


def _norm_kind(norm):
    if isinstance(norm, numbers.Integral) and not isinstance(norm, bool):
        return int(norm)
    kind = _NORM_KINDS.get(str(norm).strip().lower())
    if kind is None:
        raise ValueError(f"norm={norm!r} is unknown: use 'l2_sgd' (l2 norms, SGD family) or "
                         "'l1_adam' (l1 norms, Adam family)")
    return kind


def refine_schedule(norms, steps=None, norm="l2_sgd", run_steps=0, output_steps=0,
                    filter_fraction=None, min_multiplier=0.0, base_lr=0.0, client=None):
    """The schedule refined from a run's gradient norms (RefineSchedule).

    Args:
        norms: gradient norms, one per step in `steps` (NaN and inf allowed: the server drops
            and counts them; more than 5 % of them falls back to linear decay).
        steps: the strictly increasing optimizer steps of `norms` (default 0, 1, 2, ...);
            missing steps are interpolated.
        norm: "l2_sgd" (l2 norms, weights G^-2) or "l1_adam" (l1 norms, weights G^-1).
        run_steps: T of the run that logged them (0: last step + 1).
        output_steps: T' of the run to schedule (0: run_steps).
        filter_fraction: the median filter's width as a fraction of the run (tau; server
            default 0.1).
        min_multiplier: floor of the shape for every step but the last (0: off).
        base_lr: the returned schedule's base_lr (0: 1, the shape itself).
        client: a hyperd.Client (default Client()).

    Returns a RefinedSchedule.
    """
    norms = [float(g) for g in norms]
    steps = list(range(len(norms))) if steps is None else [int(t) for t in steps]
    if len(steps) != len(norms):
        raise ValueError(f"steps has {len(steps)} values for {len(norms)} norms: give one step "
                         "per norm")
    request = pb.RefineScheduleRequest(steps=steps, norms=norms, norm=_norm_kind(norm),
                                       run_steps=int(run_steps), output_steps=int(output_steps),
                                       min_multiplier=float(min_multiplier),
                                       base_lr=float(base_lr))
    if filter_fraction is not None:
        request.filter_fraction = float(filter_fraction)
    response = (client or Client()).call("RefineSchedule", request)
    return RefinedSchedule(Schedule.from_proto(response.schedule), list(response.multipliers),
                           response.fell_back_to_linear_decay, response.fallback_reason)


def plan_schedules(schedules, horizon=0, tuned_base_lr=0.0, extension=None, client=None):
    """The convex bound of each schedule at `horizon` (PlanSchedules).

    Args:
        schedules: hyperd.Schedule / hyperd.v1.Schedule / dicts, or family names ("cosine"):
            the schedules to compare; their base_lr is ignored and total_steps defaults to the
            horizon.
        horizon: T of the bound (0: the first schedule's total_steps).
        tuned_base_lr: a base LR tuned for schedules[0], transferred to the others.
        extension: continued training of a WSD run: a dict {"first_horizon": T1,
            "first_cooldown_fraction": 0.2, "second_horizon": T2} (or the message).
        client: a hyperd.Client (default Client()).

    Returns a SchedulePlan.
    """
    request = pb.PlanSchedulesRequest(horizon=int(horizon), tuned_base_lr=float(tuned_base_lr))
    for i, schedule in enumerate(schedules):
        if isinstance(schedule, str):
            schedule = {"family": schedule}
        message = schedule_to_proto(schedule, f"schedules[{i}]")
        if not message.base_lr > 0:
            message.base_lr = 1.0  # ignored by the bound; a schedule needs one to be valid
        request.schedules.append(message)
    if extension is not None:
        if isinstance(extension, dict):
            extension = pb.CooldownExtensionRequest(**extension)
        request.extension.CopyFrom(extension)
    response = (client or Client()).call("PlanSchedules", request)
    bounds = [ScheduleBound(b.optimal_base_lr, b.bound, b.lr_ratio_to_first,
                            b.transferred_base_lr) for b in response.bounds]
    return SchedulePlan(bounds, response.extension if response.HasField("extension") else None)
