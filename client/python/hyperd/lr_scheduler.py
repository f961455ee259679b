"""TrialLR: a PyTorch-style LR scheduler that follows a hyperd trial's schedule.

    trial = study.suggest()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)     # the LR comes from the trial
    scheduler = hyperd.TrialLR(optimizer, trial)                 # sets the LR of update 0
    with hyperd.StepReporter(trial, scheduler=scheduler) as reporter:
        for t in range(trial.schedule.total_steps):
            loss = model_loss(batch(t)); optimizer.zero_grad(); loss.backward()
            l2, l1 = hyperd.gradient_norms(model.parameters())  # pre-clip
            optimizer.step()
            reporter.record(t, lr_applied=scheduler.get_last_lr()[0], loss=loss.item(),
                            grad_norm_l2=l2, grad_norm_l1=l1)
            scheduler.step()                                     # after optimizer.step()

PyTorch's convention: construction sets every param group's "lr" to the LR of update 0 and
scheduler.step(), called after optimizer.step(), moves on to the next update; `last_epoch` is the
0-indexed update the optimizer will make next (spec §0: t = last_epoch). The schedule is
evaluated locally (hyperd.Schedule, the server's closed forms): no RPC per step.

Online rules change the LR while the trial runs. Replies to ReportSteps (StepReporter) and
ReportMeasurement (Trial.report) carry the trial's schedule with `effective_from_step`, and the
hypergradient rule's replies carry `next_learning_rate`, the LR from the step after the last one
reported; TrialLR applies both from their step on (a new schedule replaces the previous one from
its effective step, a next_learning_rate holds until a newer one or a newer schedule) and updates
the param groups at once if the step is already current. Steps already taken never change.

Duck-typed: any object with a `param_groups` list of dicts works (no torch needed). With a
torch.optim.Optimizer the scheduler is also an instance of torch's LRScheduler base class
(torch.optim.lr_scheduler.LRScheduler, `_LRScheduler` before torch 2.0), so code that checks
isinstance(scheduler, LRScheduler) accepts it; torch is never imported by hyperd itself.

Checkpointing: state_dict() holds the step, every schedule received and every next_learning_rate
override, so load_state_dict() after a restart resumes exactly (torch.save(scheduler.state_dict())).
"""

import bisect
import math
import sys

from google.protobuf import json_format

from hyperd.client import pb
from hyperd.schedule import Schedule
from hyperd.schedule import as_schedule

_STATE_VERSION = 1


class TrialLR:
    """Sets an optimizer's learning rate from a hyperd schedule at every step.

    Args:
        optimizer: a torch.optim optimizer, or any object with `param_groups` (dicts with "lr").
        schedule: a hyperd.Trial (follows trial.schedule and the schedules the trial's replies
            carry), or a hyperd.Schedule / hyperd.v1.Schedule / dict to follow on its own.
        reporter: a hyperd.StepReporter; step(loss=..., grad_norm_l2=..., ...) then records the
            step it finishes, and the reporter's replies update this scheduler.
        start_step: the update the optimizer makes next (0 for a new run; a resumed run uses
            load_state_dict instead).
        group_multipliers: per param group factors of the schedule's LR (default all 1), e.g.
            [1.0, 10.0] for a head trained ten times faster.
    """

    def __new__(cls, optimizer, *args, **kwargs):
        # A torch optimizer gets the torch-derived variant (see _torch_variant); torch is only
        # looked at when the caller already imported it.
        if cls is TrialLR and _is_torch_optimizer(optimizer):
            return object.__new__(_torch_variant())
        return object.__new__(cls)

    def __init__(self, optimizer, schedule, reporter=None, start_step=0, group_multipliers=None):
        if not hasattr(optimizer, "param_groups"):
            raise TypeError(f"optimizer={optimizer!r} has no param_groups: pass a torch.optim "
                            "optimizer or an object with a param_groups list of dicts")
        self.optimizer = optimizer
        groups = optimizer.param_groups
        if group_multipliers is None:
            group_multipliers = [1.0] * len(groups)
        if len(group_multipliers) != len(groups):
            raise ValueError(f"group_multipliers has {len(group_multipliers)} values for "
                             f"{len(groups)} param groups: give one per group")
        self.group_multipliers = [float(m) for m in group_multipliers]
        self.trial = None
        if hasattr(schedule, "add_reply_listener"):  # a hyperd.Trial
            self.trial = schedule
            first = schedule.schedule
            if first is None:
                raise ValueError(f"{schedule.name} has no schedule: its study was created "
                                 "without one (Study.create(..., schedule=...))")
        else:
            first = as_schedule(schedule)
        if first.total_steps < 1 or not first.base_lr > 0:
            raise ValueError(f"schedule {first!r} needs total_steps >= 1 and base_lr > 0")
        # (from_step, Schedule) by increasing from_step; the first applies from step 0.
        self._starts = [0]
        self._schedules = [first]
        # (from_step, lr) of next_learning_rate replies, by increasing from_step.
        self._override_starts = []
        self._override_lrs = []
        self.last_epoch = int(start_step)
        # PyTorch attributes that code around schedulers reads.
        self.base_lrs = [first.base_lr * m for m in self.group_multipliers]
        self._step_count = 1
        self.verbose = False
        self._last_lr = []
        self.reporter = None
        if self.trial is not None:
            self.trial.add_reply_listener(self.apply_reply)
        if reporter is not None:
            reporter.attach(self)
        self._set_group_lrs()

    def __repr__(self):
        return (f"<hyperd.TrialLR step={self.last_epoch} lr={self.learning_rate(self.last_epoch)!r}"
                f" {self.schedule.family}>")

    # -- what the scheduler is -----------------------------------------------------------------

    @property
    def schedule(self):
        """The schedule in effect at the current step (a hyperd.Schedule)."""
        return self._schedules[bisect.bisect_right(self._starts, self.last_epoch) - 1]

    @property
    def schedules(self):
        """[(from_step, hyperd.Schedule)] received so far, by step."""
        return list(zip(self._starts, self._schedules))

    @property
    def overrides(self):
        """[(from_step, lr)] of the next_learning_rate replies received so far, by step."""
        return list(zip(self._override_starts, self._override_lrs))

    def learning_rate(self, step):
        """The LR (before group multipliers) of optimizer update `step`, as known now."""
        step = int(step)
        i = bisect.bisect_right(self._starts, step) - 1
        j = bisect.bisect_right(self._override_starts, step) - 1
        # An override holds until a newer schedule starts; on the same step it wins.
        if j >= 0 and self._override_starts[j] >= self._starts[i]:
            return self._override_lrs[j]
        return self._schedules[i].learning_rate(step)

    # -- the PyTorch scheduler API -------------------------------------------------------------

    def get_last_lr(self):
        """The LR of every param group for the update the optimizer makes next."""
        return list(self._last_lr)

    def get_lr(self):
        """Same as get_last_lr() (PyTorch's hook for "the LR at last_epoch")."""
        return [self.learning_rate(self.last_epoch) * m for m in self.group_multipliers]

    def step(self, epoch=None, *, loss=None, grad_norm_l2=None, grad_norm_l1=None, hd_dot=None):
        """Moves to the next update (call after optimizer.step()) and sets its LR.

        With a reporter, first records the update just finished: its step, the LR it used and the
        given loss and gradient quantities. `epoch` jumps to that update instead (nothing is
        recorded), like PyTorch's deprecated step(epoch).
        """
        if epoch is not None:
            self.last_epoch = int(epoch)
        else:
            if self.reporter is not None:
                self.reporter.record(self.last_epoch,
                                     lr_applied=self.learning_rate(self.last_epoch), loss=loss,
                                     grad_norm_l2=grad_norm_l2, grad_norm_l1=grad_norm_l1,
                                     hd_dot=hd_dot)
            self.last_epoch += 1
        self._step_count += 1
        self._set_group_lrs()

    def state_dict(self):
        """Everything needed to resume: the step, the schedules and overrides received."""
        return {
            "version": _STATE_VERSION,
            "last_epoch": self.last_epoch,
            "group_multipliers": list(self.group_multipliers),
            "schedules": [(start, json_format.MessageToDict(s.to_proto()))
                          for start, s in zip(self._starts, self._schedules)],
            "overrides": list(zip(self._override_starts, self._override_lrs)),
        }

    def load_state_dict(self, state_dict):
        """Restores state_dict() (e.g. from a checkpoint) and sets the param groups' LR."""
        if state_dict.get("version") != _STATE_VERSION:
            raise ValueError(f"state_dict version {state_dict.get('version')!r} is not "
                             f"{_STATE_VERSION}: it was not written by hyperd.TrialLR.state_dict")
        schedules = [(int(start), Schedule.from_proto(json_format.ParseDict(s, pb.Schedule())))
                     for start, s in state_dict["schedules"]]
        if not schedules or schedules[0][0] != 0:
            raise ValueError("state_dict['schedules'] must start with the schedule of step 0")
        multipliers = [float(m) for m in state_dict["group_multipliers"]]
        if len(multipliers) != len(self.optimizer.param_groups):
            raise ValueError(f"state_dict has {len(multipliers)} group multipliers for "
                             f"{len(self.optimizer.param_groups)} param groups")
        self.group_multipliers = multipliers
        self._starts = [start for start, _ in schedules]
        self._schedules = [s for _, s in schedules]
        self._override_starts = [int(start) for start, _ in state_dict["overrides"]]
        self._override_lrs = [float(lr) for _, lr in state_dict["overrides"]]
        self.last_epoch = int(state_dict["last_epoch"])
        self.base_lrs = [self._schedules[0].base_lr * m for m in self.group_multipliers]
        self._set_group_lrs()

    # -- online rules --------------------------------------------------------------------------

    def apply_reply(self, reply, last_reported_step=None):
        """Takes in a ReportStepsResponse or ReportMeasurementResponse (StepReporter and
        Trial.report call this): a changed `schedule` applies from its effective_from_step, a
        `next_learning_rate` from last_reported_step + 1 (default: the current step).

        Returns True when the LR of some step from the current one on changed."""
        changed = False
        if reply.HasField("schedule") and reply.schedule.total_steps > 0:
            changed |= self.set_schedule(Schedule.from_proto(reply.schedule))
        if "next_learning_rate" in reply.DESCRIPTOR.fields_by_name and reply.HasField(
                "next_learning_rate"):
            start = (self.last_epoch if last_reported_step is None
                     else int(last_reported_step) + 1)
            changed |= self.set_learning_rate(reply.next_learning_rate, from_step=start)
        return changed

    def set_schedule(self, schedule):
        """Follows `schedule` from its effective_from_step on, replacing the schedules and
        next_learning_rate overrides received for later steps. Returns False (and changes
        nothing) if it is the schedule already in effect at that step: replies repeat the
        trial's schedule unchanged."""
        schedule = as_schedule(schedule)
        start = max(0, schedule.effective_from_step)
        i = bisect.bisect_right(self._starts, start) - 1
        if self._schedules[i] == schedule:
            return False
        del self._starts[i + 1:]
        del self._schedules[i + 1:]
        if self._starts[i] == start:
            self._schedules[i] = schedule
        else:
            self._starts.append(start)
            self._schedules.append(schedule)
        self._drop_overrides_from(start)
        self._set_group_lrs()
        return True

    def set_learning_rate(self, lr, from_step=None):
        """Uses `lr` from update `from_step` (default: the next one) until a newer override or
        schedule. Returns False if nothing changed; ValueError for a non-finite or negative lr."""
        lr = float(lr)
        if not math.isfinite(lr) or lr < 0:
            raise ValueError(f"learning rate {lr!r} must be finite and >= 0")
        start = self.last_epoch if from_step is None else int(from_step)
        i = bisect.bisect_right(self._starts, start) - 1
        j = bisect.bisect_right(self._override_starts, start) - 1
        holding = j >= 0 and self._override_starts[j] >= self._starts[i]
        if holding and self._override_lrs[j] == lr and not self._overrides_from(start + 1):
            return False
        self._drop_overrides_from(start)
        self._override_starts.append(start)
        self._override_lrs.append(lr)
        self._set_group_lrs()
        return True

    # -- internals -----------------------------------------------------------------------------

    def _overrides_from(self, start):
        return bool(self._override_starts) and self._override_starts[-1] >= start

    def _drop_overrides_from(self, start):
        k = bisect.bisect_left(self._override_starts, start)
        del self._override_starts[k:]
        del self._override_lrs[k:]

    def _set_group_lrs(self):
        lr = self.learning_rate(self.last_epoch)
        self._last_lr = [lr * m for m in self.group_multipliers]
        for group, value in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = value


def _is_torch_optimizer(optimizer):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(optimizer, torch.optim.Optimizer)


_TORCH_VARIANT = None


def _torch_variant():
    """TrialLR with torch's LR scheduler base class mixed in (created on first use)."""
    global _TORCH_VARIANT
    if _TORCH_VARIANT is None:
        from torch.optim import lr_scheduler  # pylint: disable=import-outside-toplevel
        base = getattr(lr_scheduler, "LRScheduler", None) or lr_scheduler._LRScheduler
        # TrialLR first: its methods win; the torch base's __init__ is never called (it would
        # reset the optimizer's LRs from `initial_lr`).
        _TORCH_VARIANT = type("TrialLR", (TrialLR, base), {"__module__": __name__,
                                                           "__doc__": TrialLR.__doc__})
    return _TORCH_VARIANT
