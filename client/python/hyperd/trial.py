"""One configuration being trained: read its parameters, report progress, finish it.

    trial = study.suggest()
    with trial:                                  # fails the trial if the block raises
        model = build(lr=trial.params["lr"])
        for epoch in range(1, trial.max_resource + 1):
            loss = train_one_epoch(model)
            if trial.report(epoch, loss):        # True: the scheduler says stop early
                break
        trial.complete(loss)

While a trial obtained from `Study.suggest` is open, a daemon thread renews its lease with
Heartbeat every lease/4 (at most every 60 s), so long epochs between reports never lose the trial.
The thread stops when the trial is completed or failed, or when the Trial object is dropped.
"""

import collections
import logging
import numbers
import threading
import weakref

from hyperd import _convert
from hyperd import errors
from hyperd.bandit import pull_from_proto
from hyperd.client import pb
from hyperd.schedule import Schedule
from hyperd.space import value_from_proto

_LOG = logging.getLogger("hyperd")
_OPEN_STATES = (pb.Trial.ACTIVE, pb.Trial.STOPPING)
_MAX_HEARTBEAT_INTERVAL_S = 60.0
_MIN_HEARTBEAT_INTERVAL_S = 0.05

# The reply to the latest Trial.report(): should_stop, stop_reason, duplicate (the step had a
# measurement already and the first value was kept), lease_expire_time (UTC datetime).
Report = collections.namedtuple("Report", "should_stop stop_reason duplicate lease_expire_time")


class Trial:
    """A trial of a study. Obtain one from Study.suggest(), Study.trials() or Study.get_trial().

    Thread-safe: the heartbeat thread and the training loop may use it at once.
    """

    def __init__(self, study, proto, heartbeat=False):
        self._study = study
        self._client = study.client
        self._lock = threading.Lock()
        self._proto = proto
        self._params = {p.name: value_from_proto(p) for p in proto.parameters}
        steps = [m.step for m in proto.measurements]
        self._last_step = max(steps) if steps else None
        self._stop_requested = proto.state == pb.Trial.STOPPING
        self.stop_reason = proto.reason if self._stop_requested else ""
        self.last_report = None
        # Callables given each ReportMeasurement / ReportSteps reply (TrialLR.apply_reply).
        self._reply_listeners = []
        self._stop_heartbeat = threading.Event()
        self._heartbeat_thread = None
        if heartbeat and self.is_open:
            self._start_heartbeat()

    def __repr__(self):
        return f"<hyperd.Trial {self.name} {self.state} params={self._params!r}>"

    # -- what the trial is ---------------------------------------------------------------------

    @property
    def proto(self):
        """The latest hyperd.v1.Trial message seen by this object."""
        with self._lock:
            return self._proto

    @property
    def name(self):
        """"studies/{study_id}/trials/{number}"."""
        return self._proto.name

    @property
    def number(self):
        """0, 1, 2, ... within the study."""
        return self._proto.number

    @property
    def study(self):
        return self._study

    @property
    def params(self):
        """{name: value} of the active parameters: float, int or str by parameter kind."""
        return dict(self._params)

    def __getitem__(self, name):
        return self._params[name]

    @property
    def state(self):
        """"REQUESTED", "ACTIVE", "STOPPING", "SUCCEEDED", "PRUNED", "FAILED" or "INFEASIBLE"."""
        return pb.Trial.State.Name(self.proto.state)

    @property
    def is_open(self):
        """True while the trial is ACTIVE or STOPPING, i.e. it can still report and finish."""
        return self.proto.state in _OPEN_STATES

    @property
    def max_resource(self):
        """Steps this trial may train for (0 when the study declares none)."""
        return self._proto.max_resource

    @property
    def bracket(self):
        """The Hyperband bracket the server assigned when it created the trial (0 = the most
        aggressive, stopping earliest); 0 for every other scheduler."""
        return self._proto.bracket

    @property
    def context(self):
        """The context vector sent with the suggest() that created the trial ([] if none)."""
        return list(self._proto.context)

    @property
    def bandit(self):
        """hyperd.BanditPull(arm, probability, reward, reward_sequence) for a trial a bandit
        policy handed out, else None. reward is None until the trial finished with one."""
        return pull_from_proto(self.proto)

    @property
    def arm(self):
        """The index of the trial's bandit arm (see Study.arms()), or None."""
        proto = self.proto
        return proto.bandit.arm if proto.HasField("bandit") else None

    @property
    def client_id(self):
        """The worker holding the trial."""
        return self.proto.client_id

    @property
    def objective_value(self):
        """The objective of a finished trial, or None."""
        proto = self.proto
        return proto.objective_value if proto.HasField("objective_value") else None

    @property
    def value(self):
        """Alias of objective_value (Optuna's name)."""
        return self.objective_value

    @property
    def reason(self):
        """Why the trial is FAILED, INFEASIBLE, STOPPING or PRUNED."""
        return self.proto.reason

    @property
    def measurements(self):
        """[(step, {metric: value})] by increasing step, as last fetched from the server."""
        return [(m.step, dict(m.metrics)) for m in self.proto.measurements]

    @property
    def user_attributes(self):
        return dict(self.proto.user_attributes)

    @property
    def lease_expire_time(self):
        """When the lease ends unless renewed (aware UTC datetime), or None."""
        return _convert.to_datetime(self.proto, "lease_expire_time")

    @property
    def stop_requested(self):
        """True once any reply (report, heartbeat, check) said the trial should stop."""
        return self._stop_requested

    @property
    def heartbeating(self):
        """True while the background heartbeat thread runs."""
        thread = self._heartbeat_thread
        return thread is not None and thread.is_alive() and not self._stop_heartbeat.is_set()

    @property
    def schedule(self):
        """Studies with a schedule: the learning-rate schedule this trial follows (a
        hyperd.Schedule with its parameters applied, refined if the study refines), as last
        fetched; None otherwise. hyperd.TrialLR evaluates it at every step and follows the
        changes that online rules send with the replies."""
        proto = self.proto
        if not proto.HasField("schedule") or proto.schedule.total_steps < 1:
            return None
        return Schedule.from_proto(proto.schedule)

    def add_reply_listener(self, callback):
        """Calls callback(reply, last_reported_step=None) with every later
        ReportMeasurementResponse of report(), and callback(reply, last_reported_step=t) with
        every ReportStepsResponse of a hyperd.StepReporter whose last reported step was t
        (hyperd.TrialLR registers itself this way)."""
        if callback not in self._reply_listeners:
            self._reply_listeners.append(callback)

    def remove_reply_listener(self, callback):
        if callback in self._reply_listeners:
            self._reply_listeners.remove(callback)

    def refresh(self):
        """Fetches the trial again (GetTrial); returns self."""
        self._set_proto(self._client.call("GetTrial", pb.GetTrialRequest(name=self.name)))
        return self

    # -- training-loop calls -------------------------------------------------------------------

    def report(self, step, value=None, elapsed=None, **metrics):
        """Records the measurement of `step` and returns True when training should stop.

        Args:
            step: resource units completed so far (e.g. epochs), >= 0 and never decreasing.
            value: the study's objective metric (e.g. the loss); or pass it as a keyword.
            elapsed: training time so far, in seconds or as a datetime.timedelta (optional).
            **metrics: more metrics to store, e.g. accuracy=0.93.

        A repeated step is acknowledged and keeps its first value (self.last_report.duplicate).
        NaN and infinities are accepted: the server treats them as divergence and says stop.
        """
        measurement = self._measurement(step, value, elapsed, metrics, require_objective=True)
        response = self._client.call("ReportMeasurement", pb.ReportMeasurementRequest(
            name=self.name, measurement=measurement, client_id=self._own_client_id()))
        lease = _convert.to_datetime(response, "lease_expire_time")
        with self._lock:
            if response.HasField("lease_expire_time"):
                self._proto.lease_expire_time.CopyFrom(response.lease_expire_time)
            if self._last_step is None or measurement.step > self._last_step:
                self._last_step = measurement.step
            if response.should_stop:
                self._stop_requested = True
                self.stop_reason = response.stop_reason
        self._note_schedule(response.schedule if response.HasField("schedule") else None)
        for callback in list(self._reply_listeners):
            callback(response)
        self.last_report = Report(response.should_stop, response.stop_reason, response.duplicate,
                                  lease)
        return response.should_stop

    def heartbeat(self):
        """Renews the lease now (the background thread does this by itself); returns
        should_stop."""
        response = self._client.call("Heartbeat", pb.HeartbeatRequest(
            name=self.name, client_id=self._own_client_id()))
        with self._lock:
            if response.HasField("lease_expire_time"):
                self._proto.lease_expire_time.CopyFrom(response.lease_expire_time)
            if response.should_stop:
                self._stop_requested = True
        return response.should_stop

    def should_stop(self):
        """Asks the server whether the trial should stop (CheckTrialEarlyStopping)."""
        response = self._client.call("CheckTrialEarlyStopping",
                                     pb.CheckTrialEarlyStoppingRequest(name=self.name))
        if response.should_stop:
            self._stop_requested = True
            self.stop_reason = response.reason
        return response.should_stop

    def should_prune(self):
        """Alias of should_stop() (Optuna's name)."""
        return self.should_stop()

    # -- finishing -----------------------------------------------------------------------------

    def complete(self, value=None, elapsed=None, **metrics):
        """Finishes the trial: SUCCEEDED, or PRUNED if it was asked to stop.

        With no value and no metrics, the last reported measurement is the final one. A
        non-finite final objective finishes the trial FAILED ("non-finite objective").
        Returns self, updated from the server's reply.
        """
        request = pb.CompleteTrialRequest(name=self.name, client_id=self._own_client_id())
        if value is not None or metrics:
            step = self._last_step if self._last_step is not None else 0
            request.final_measurement.CopyFrom(
                self._measurement(step, value, elapsed, metrics, require_objective=True))
        return self._finish("CompleteTrial", request)

    def infeasible(self, reason):
        """Finishes the trial INFEASIBLE: the configuration cannot be evaluated (e.g. OOM)."""
        return self._finish("CompleteTrial", pb.CompleteTrialRequest(
            name=self.name, infeasible=True, infeasible_reason=str(reason),
            client_id=self._own_client_id()))

    def fail(self, reason):
        """Finishes the trial FAILED with `reason` (e.g. the exception that ended training)."""
        return self._finish("FailTrial", pb.FailTrialRequest(
            name=self.name, reason=str(reason), client_id=self._own_client_id()))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        """Finishes a trial left open: FAILED with repr(exception) if the block raised,
        otherwise completed with its last report (FAILED if it never reported)."""
        if not self.is_open:
            self._stop_heartbeat.set()
            return False
        if exc_type is not None:
            try:
                self.fail(repr(exc))
            except errors.HyperdError as e:
                # Never hide the training error behind a reporting one.
                _LOG.warning("could not mark %s FAILED after %r: %s", self.name, exc, e)
            return False
        if self._last_step is None:
            self.fail("the `with trial:` block ended without report() or complete()")
        else:
            self.complete()
        return False

    # -- internals -----------------------------------------------------------------------------

    def _note_steps_reply(self, response, last_reported_step):
        """Takes in a ReportStepsResponse (StepReporter): lease, stop, schedule, and hands it to
        the reply listeners with the last step the request reported."""
        with self._lock:
            if response.HasField("lease_expire_time"):
                self._proto.lease_expire_time.CopyFrom(response.lease_expire_time)
            if response.should_stop:
                self._stop_requested = True
        self._note_schedule(response.schedule if response.HasField("schedule") else None)
        for callback in list(self._reply_listeners):
            callback(response, last_reported_step=last_reported_step)

    def _note_schedule(self, schedule):
        # Online rules change the trial's schedule; keep Trial.schedule current.
        if schedule is not None and schedule.total_steps > 0:
            with self._lock:
                self._proto.schedule.CopyFrom(schedule)

    def _own_client_id(self):
        # The server checks client_id when set: send it only for trials this worker holds, so
        # an operator's script can still finish someone else's trial.
        mine = self._client.client_id
        return mine if self.proto.client_id == mine else ""

    def _measurement(self, step, value, elapsed, metrics, require_objective):
        if isinstance(step, bool) or not isinstance(step, numbers.Integral):
            raise TypeError(f"step={step!r} must be an int (resource units completed so far)")
        metric = self._study.objective_metric
        if value is not None:
            if metric in metrics:
                raise ValueError(f"the objective {metric!r} was given twice: as value and as "
                                 "a keyword")
            metrics[metric] = value
        if require_objective and metric not in metrics:
            raise ValueError(f"the study's objective metric {metric!r} is missing: pass it as "
                             f"value or as {metric}=...")
        measurement = pb.Measurement(step=int(step))
        for key, v in metrics.items():
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"metric {key}={v!r} must be a number")
            measurement.metrics[key] = float(v)
        if elapsed is not None:
            measurement.elapsed.CopyFrom(_convert.to_duration(elapsed, "elapsed"))
        return measurement

    def _finish(self, method, request):
        # Stop renewing first: once the trial ends a heartbeat could only be refused.
        self._stop_heartbeat.set()
        self._set_proto(self._client.call(method, request))
        return self

    def _set_proto(self, proto):
        with self._lock:
            self._proto = proto
            self._params = {p.name: value_from_proto(p) for p in proto.parameters}
            steps = [m.step for m in proto.measurements]
            if steps and (self._last_step is None or max(steps) > self._last_step):
                self._last_step = max(steps)
            if proto.state == pb.Trial.STOPPING:
                self._stop_requested = True
        if proto.state not in _OPEN_STATES:
            self._stop_heartbeat.set()

    def _start_heartbeat(self):
        lease_s = self._study.lease_duration.total_seconds()
        interval = min(max(lease_s / 4.0, _MIN_HEARTBEAT_INTERVAL_S), _MAX_HEARTBEAT_INTERVAL_S)
        self._heartbeat_thread = threading.Thread(
            target=_heartbeat_loop, args=(weakref.ref(self), self._stop_heartbeat, interval),
            name=f"hyperd-heartbeat-{self.name}", daemon=True)
        self._heartbeat_thread.start()


def _heartbeat_loop(trial_ref, stop, interval_s):
    """Renews a trial's lease every interval_s until `stop` is set or the trial is dropped."""
    # Event.wait returns as soon as the trial finishes, so the thread ends promptly.
    while not stop.wait(interval_s):
        trial = trial_ref()
        if trial is None:
            return
        try:
            trial.heartbeat()
        except (errors.NotFoundError, errors.FailedPreconditionError) as e:
            # The trial ended elsewhere (completed, reaped, study deleted): nothing to renew.
            _LOG.debug("heartbeat of %s stopped: %s", trial.name, e)
            stop.set()
        except errors.HyperdError as e:
            # Keep trying: the lease is four intervals long, so one failed renewal is harmless.
            _LOG.warning("heartbeat of %s failed: %s", trial.name, e)
        del trial
