"""StepReporter: per-optimizer-step reports (gradient norms, loss, LR) sent to hyperd in batches.

    scheduler = hyperd.TrialLR(optimizer, trial)
    with hyperd.StepReporter(trial, scheduler=scheduler) as reporter:   # flushes on exit
        for t in range(total_steps):
            loss = compute_loss(); optimizer.zero_grad(); loss.backward()
            l2, l1 = hyperd.gradient_norms(model.parameters())          # before clipping
            optimizer.step()
            reporter.record(t, lr_applied=scheduler.get_last_lr()[0], loss=loss.item(),
                            grad_norm_l2=l2, grad_norm_l1=l1)
            scheduler.step()

The records (specs/lr-schedules.md §6) feed refinement (a later trial's schedule is refined from
them, Defazio et al. 2023) and the online rules. They are sent with one ReportSteps call every
`every` steps or `seconds` seconds, whichever comes first (defaults k = 50, S = 10 s, spec §6), and
on flush() / close(). (trial, step) is the server's idempotency key, so a batch that is sent again
after a lost reply is acknowledged as duplicates, never stored twice. A batch that cannot be sent
(server unavailable after the client's retries, deadline) stays queued and goes out with the next
one; errors that a retry cannot fix (e.g. the trial has finished) are raised.

Replies renew the trial's lease, carry should_stop, and the online rules' schedule and
next_learning_rate, which the reporter hands to the attached TrialLR schedulers.

gradient_norms() and HypergradientDot compute the per-step quantities from torch tensors (torch
is imported only by them).
"""

import logging
import math
import numbers
import time

from hyperd import errors
from hyperd.client import pb

_LOG = logging.getLogger("hyperd")
# Failures a later attempt may not repeat: the batch is kept for the next flush.
_TRANSIENT = (errors.UnavailableError, errors.DeadlineExceededError, errors.AbortedError,
              errors.ResourceExhaustedError, errors.CancelledError)
_OPTIONAL_FIELDS = ("loss", "grad_norm_l2", "grad_norm_l1", "hd_dot")
# The server's limit of steps per ReportSteps call (server/study_schedules.h).
MAX_STEPS_PER_CALL = 10000


class StepReporter:
    """Batches StepReport records of one trial and sends them with ReportSteps.

    Args:
        trial: the hyperd.Trial being trained (its worker's client sends the reports).
        every: send after this many recorded steps (k, >= 1).
        seconds: send when the oldest unsent record is this old (S, > 0; None: only by count).
        scheduler: a hyperd.TrialLR to hand replies to (or attach() it later; TrialLR(...,
            reporter=this) attaches itself).
        clock: monotonic time in seconds (tests pass a fake one).

    Attributes after sends: accepted and duplicates (totals the server acknowledged), batches
    (ReportSteps calls that succeeded), last_reply (the latest ReportStepsResponse),
    should_stop (a reply said stop).
    """

    def __init__(self, trial, every=50, seconds=10.0, scheduler=None, clock=time.monotonic):
        if isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 1:
            raise ValueError(f"every={every!r} must be an int >= 1 (steps per ReportSteps call)")
        if seconds is not None and not seconds > 0:
            raise ValueError(f"seconds={seconds!r} must be > 0 (or None: send by count only)")
        self.trial = trial
        self.every = int(every)
        self.seconds = None if seconds is None else float(seconds)
        self._clock = clock
        self._pending = []
        self._oldest = None
        self._schedulers = []
        self.accepted = 0
        self.duplicates = 0
        self.batches = 0
        self.last_reply = None
        self.should_stop = False
        if scheduler is not None:
            self.attach(scheduler)

    def __repr__(self):
        return (f"<hyperd.StepReporter {self.trial.name} pending={len(self._pending)} "
                f"accepted={self.accepted} duplicates={self.duplicates}>")

    def attach(self, scheduler):
        """Makes `scheduler` (a hyperd.TrialLR) record through this reporter when it steps, and
        get every later reply (a TrialLR built from this trial already listens to it)."""
        if scheduler not in self._schedulers:
            self._schedulers.append(scheduler)
        if getattr(scheduler, "reporter", None) is None:
            scheduler.reporter = self

    @property
    def pending(self):
        """Records not yet acknowledged by the server."""
        return len(self._pending)

    def record(self, step, lr_applied=None, loss=None, grad_norm_l2=None, grad_norm_l1=None,
               hd_dot=None):
        """Queues what the job saw at optimizer update `step` (0-based) and sends the queue
        when it holds `every` records or its oldest is `seconds` old.

        lr_applied is the LR update `step` used (default: the attached scheduler's); the other
        values are optional floats (torch scalars work): the training loss before the update,
        the global pre-clip l2 / l1 gradient norms, and <g_t, u_{t-1}> for the hypergradient
        rule. NaN and infinities are sent as they are (the server counts them).

        Returns the ReportStepsResponse when this call sent a batch, else None.
        """
        if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step < 0:
            raise TypeError(f"step={step!r} must be an int >= 0 (the 0-based optimizer update)")
        if lr_applied is None:
            if not self._schedulers:
                raise ValueError("lr_applied is missing: pass the LR update `step` used, or "
                                 "attach a hyperd.TrialLR")
            lr_applied = self._schedulers[0].learning_rate(step)
        report = pb.StepReport(step=int(step), lr_applied=_as_float(lr_applied, "lr_applied"))
        values = {"loss": loss, "grad_norm_l2": grad_norm_l2, "grad_norm_l1": grad_norm_l1,
                  "hd_dot": hd_dot}
        for name in _OPTIONAL_FIELDS:
            if values[name] is not None:
                setattr(report, name, _as_float(values[name], name))
        if self._oldest is None:
            self._oldest = self._clock()
        self._pending.append(report)
        if len(self._pending) >= self.every or (
                self.seconds is not None and self._clock() - self._oldest >= self.seconds):
            return self.flush()
        return None

    def flush(self):
        """Sends every queued record now (in calls of at most MAX_STEPS_PER_CALL steps).
        Returns the last reply, or None if nothing was queued or the server could not be reached
        (what was not sent stays queued and a warning is logged)."""
        # By increasing step, each step once (the first record wins, like the server).
        batch = {}
        for report in self._pending:
            batch.setdefault(report.step, report)
        steps = [batch[step] for step in sorted(batch)]
        reply = None
        while steps:
            sent = self._send(steps[:MAX_STEPS_PER_CALL])
            if sent is None:
                self._pending = steps
                return None
            reply = sent
            steps = steps[MAX_STEPS_PER_CALL:]
        self._pending = []
        self._oldest = None
        return reply

    def _send(self, steps):
        trial = self.trial
        client_id = trial._own_client_id()  # pylint: disable=protected-access
        request = pb.ReportStepsRequest(name=trial.name, client_id=client_id, steps=steps)
        try:
            reply = trial.study.client.call("ReportSteps", request)
        except _TRANSIENT as e:
            _LOG.warning("ReportSteps of %d steps of %s failed, kept for the next batch: %s",
                         len(steps), self.trial.name, e)
            return None
        self.batches += 1
        self.accepted += reply.accepted
        self.duplicates += reply.duplicates
        self.last_reply = reply
        if reply.should_stop:
            self.should_stop = True
        last_step = steps[-1].step
        trial._note_steps_reply(reply, last_step)  # pylint: disable=protected-access
        for scheduler in self._schedulers:
            if getattr(scheduler, "trial", None) is not trial:  # else it heard it as a listener
                scheduler.apply_reply(reply, last_reported_step=last_step)
        return reply

    def close(self):
        """Sends what is queued. Raises UnavailableError if it could not be sent."""
        if self._pending and self.flush() is None and self._pending:
            raise errors.UnavailableError(
                f"{len(self._pending)} step reports of {self.trial.name} could not be sent; "
                "they stay queued: call flush() again once the server is reachable",
                method="ReportSteps")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            try:
                self.flush()  # what was seen before the failure still helps refinement
            except errors.HyperdError as e:
                _LOG.warning("could not send the last step reports of %s: %s", self.trial.name, e)
        return False


def _as_float(value, field):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{field}={value!r} must be a number") from None


# -- per-step quantities from torch tensors --------------------------------------------------------


def _grads(parameters):
    for p in parameters:
        grad = getattr(p, "grad", None)
        if grad is None:
            continue
        grad = grad.detach()
        if grad.is_sparse:
            grad = grad.coalesce().values()
        yield grad


def gradient_norms(parameters):
    """(l2, l1): the global l2 and l1 norms of the gradients of `parameters` (tensors or a
    model.parameters() iterator), accumulated in float64. Call after backward() and before
    clipping (spec §0: refinement uses the pre-clip norm).

    Under DistributedDataParallel the gradients are all-reduced by backward(), so every rank
    gets the global norm; with sharded gradients (FSDP, ZeRO), sum l2**2 and l1 over ranks.
    Returns (0.0, 0.0) when no parameter has a gradient.
    """
    import torch  # pylint: disable=import-outside-toplevel
    l2_parts, l1_parts = [], []
    for grad in _grads(parameters):
        l2_parts.append(torch.linalg.vector_norm(grad, 2, dtype=torch.float64))
        l1_parts.append(torch.linalg.vector_norm(grad, 1, dtype=torch.float64))
    if not l2_parts:
        return 0.0, 0.0
    l2 = torch.linalg.vector_norm(torch.stack(l2_parts), 2)
    l1 = torch.stack(l1_parts).sum()
    return float(l2), float(l1)


class HypergradientDot:
    """h_t = <g_t, u_{t-1}> for the hypergradient online rule (SGD-HD, Baydin et al. 2018):
    the gradient of update t against the previous update direction u (the SGD momentum buffer
    when the optimizer keeps one, else the previous gradient; u_{-1} = 0, so h_0 = 0).

        hd = hyperd.HypergradientDot(optimizer)
        loss.backward()
        h = hd()                    # before optimizer.step()
        optimizer.step()
        scheduler.step(hd_dot=h)    # or reporter.record(t, ..., hd_dot=h)

    The server applies lr <- lr + beta * h_t and replies with next_learning_rate. Only the
    SGD form is computed here (Adam-HD's preconditioned direction is not).
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self._previous = None  # {id(param): previous gradient} when there is no momentum buffer

    def __call__(self):
        import torch  # pylint: disable=import-outside-toplevel
        total = torch.zeros((), dtype=torch.float64)
        previous = {}
        for group in self.optimizer.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.detach()
                buffer = self.optimizer.state.get(p, {}).get("momentum_buffer")
                if buffer is not None:
                    direction = buffer
                else:
                    direction = None if self._previous is None else self._previous.get(id(p))
                    previous[id(p)] = grad.clone()
                if direction is not None:
                    total += torch.sum(grad.to(torch.float64) * direction.to(torch.float64))
        self._previous = previous
        value = float(total)
        return value if math.isfinite(value) else float("nan")
