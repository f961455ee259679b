"""A tuning problem on the server: create or open it, get trials to train, read results.

    study = hyperd.Study.create(
        "resnet-lr",
        parameters=[hyperd.Float("lr", 1e-4, 1.0, log=True),
                    hyperd.Int("batch", 16, 256, log=True)],
        objective=("val_loss", "minimize"),
        max_trials=50)
    while (trial := study.suggest(wait=True)) is not None:
        with trial:
            ...  # train, trial.report(epoch, val_loss), trial.complete(val_loss)
    print(study.best_trial())

Study.create is get-or-create: the same spec returns the existing study, a different one raises
AlreadyExistsError naming the differences. Every worker may call it with the same arguments.
"""

import datetime
import time

from google.protobuf import json_format

from hyperd import _convert
from hyperd.bandit import ArmList
from hyperd.bandit import arm_from_proto
from hyperd.client import Client
from hyperd.client import pb
from hyperd.schedule import schedule_spec_to_proto
from hyperd.schedule import upper_enum_names
from hyperd.space import params_to_proto
from hyperd.space import search_space_to_proto
from hyperd.trial import Trial

_DEFAULT_LEASE = datetime.timedelta(minutes=10)  # the server's default (DESIGN.md §3)
_GOALS = {"minimize": pb.Objective.MINIMIZE, "maximize": pb.Objective.MAXIMIZE}


def _study_name(study_id):
    return study_id if study_id.startswith("studies/") else f"studies/{study_id}"


def _objective_to_proto(objective):
    if isinstance(objective, pb.Objective):
        return objective
    if isinstance(objective, str):
        objective = (objective, "minimize")
    try:
        metric, goal = objective
    except (TypeError, ValueError):
        raise TypeError(f"objective={objective!r}: pass (metric, 'minimize'|'maximize'), e.g. "
                        "('loss', 'minimize')") from None
    if str(goal).lower() not in _GOALS:
        raise ValueError(f"objective goal {goal!r} is neither 'minimize' nor 'maximize'")
    return pb.Objective(metric=metric, goal=_GOALS[str(goal).lower()])


def _algorithm_to_proto(message_type, value, field):
    """Builds a SamplerSpec/SchedulerSpec from "name", {"name": {settings}},
    {"name": "grid", **settings} or the message itself.

    Settings follow the proto field names (or their JSON names); nested messages are dicts and
    enum values their names, in any case: {"linucb": {"alpha": 0.5, "reward": {"scale":
    "CAPPED_COST", "cap": 1000}}}."""
    if isinstance(value, message_type):
        return value
    names = [f.name for f in message_type.DESCRIPTOR.oneofs_by_name["algorithm"].fields]
    as_dict = value
    if isinstance(value, str):
        as_dict = {value: {}}
    elif isinstance(value, dict) and "name" in value:
        settings = dict(value)
        as_dict = {settings.pop("name"): settings}
    if not isinstance(as_dict, dict) or len(as_dict) != 1 or next(iter(as_dict)) not in names:
        raise ValueError(f"{field}={value!r} is unknown: use one of {', '.join(names)}, "
                         f"optionally with settings as {{'{names[-1]}': {{...}}}}")
    try:
        return json_format.ParseDict(upper_enum_names(message_type.DESCRIPTOR, as_dict),
                                     message_type())
    except json_format.ParseError as e:
        raise ValueError(f"{field} settings {value!r} are invalid: {e}") from None


class Study:
    """A study on a hyperd server. Use Study.create(...) or Study.get(...)."""

    def __init__(self, client, proto):
        self.client = client
        self._proto = proto
        self.last_suggest_reason = None

    def __repr__(self):
        return f"<hyperd.Study {self.name} {self.state}>"

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def create(cls, study_id, parameters, objective=("loss", "minimize"), sampler="random",
               scheduler=None, max_trials=None, max_parallel_trials=None, lease_duration=None,
               max_resource=None, resource_unit=None, target_value=None, seed=None,
               context_dimension=None, description=None, user_attributes=None, client=None,
               schedule=None):
        """Creates the study, or returns the existing one with the same spec.

        Args:
            study_id: 1-63 characters: lowercase letters, digits, '-', '_', '.'.
            parameters: list of hyperd.Float / hyperd.Int / hyperd.Categorical.
            objective: (metric, "minimize" | "maximize"), or just the metric (minimised).
            sampler: "random", "sobol", "grid", "gp" (Gaussian-process Bayesian
                optimisation), "tpe" (Tree-structured Parzen Estimator) or "bohb" (with
                scheduler "hyperband"); or a bandit policy over the points of a finite space
                (every parameter Categorical, Int or a Float with a step): "ucb1", "thompson",
                "exp3", "tsallis_inf" or "linucb" (which needs context_dimension >= 1 and a
                context with every suggest()). Settings as a dict of the proto's fields, nested
                messages as dicts and enums by name, e.g.
                {"grid": {"shuffle": True, "points_per_continuous_parameter": 3}},
                {"gp": {"acquisition": "UPPER_CONFIDENCE_BOUND"}},
                {"tpe": {"multivariate": True}},
                {"thompson": {"drift": {"kind": "DISCOUNTED", "discount": 0.98}}} or
                {"linucb": {"alpha": 0.5, "reward": {"scale": "CAPPED_COST", "cap": 1000}}}.
                Bandit rewards are the objective mapped to [0, 1] by the sampler's "reward"
                settings (default UNIT: the objective already lies in [0, 1]); see arms().
            scheduler: when trials stop early. "fifo" (the default: trials run until their
                job completes them), "median" (median stopping rule), "successive_halving"
                (asynchronous successive halving, ASHA) or "hyperband" (asynchronous
                Hyperband; see trial.bracket), optionally with settings, e.g.
                {"hyperband": {"min_resource": 1, "reduction_factor": 3}} or
                {"median": {"warmup_steps": 2, "n_startup_trials": 5}}. successive_halving and
                hyperband need max_resource.
            max_trials: trials the study may create; it completes when that many finished.
            max_parallel_trials: trials open at once.
            lease_duration: seconds or timedelta a trial stays ACTIVE without report or
                heartbeat (server default 10 minutes).
            max_resource: steps (e.g. epochs) a trial may train for; resource_unit names them.
            target_value: the study completes once a trial's objective reaches it.
            seed: seed of every random choice of the study (default: the server picks one).
            context_dimension: length of the context vector suggest() must send (linucb
                regresses on it).
            description, user_attributes: free text and {str: str}.
            client: a hyperd.Client; default Client() (HYPERD_ADDRESS, HYPERD_TOKEN).
            schedule: learning-rate schedule tuning (each trial's Trial.schedule, followed by
                hyperd.TrialLR): a dict {"schedule": {"family": "wsd", "base_lr": 0.1,
                "total_steps": 1000}, "parameter_fields": {"lr": "base_lr", "shape":
                "family"}, "refine": {"enabled": True}, "online": {"rule": "hypergradient",
                "hypergradient_beta": 1e-3}} (the ScheduleSpec's fields, enums by name in any
                case), a hyperd.Schedule that every trial follows, or a hyperd.v1.ScheduleSpec.
                parameter_fields maps search-space parameters to schedule fields, so the
                sampler tunes them; refine gives each new trial the shape refined from an
                earlier trial's gradient norms (hyperd.StepReporter).

        Raises:
            AlreadyExistsError: a study with this id exists with a different spec.
            InvalidArgumentError: the spec is invalid; the message names the field.
        """
        spec = pb.StudySpec(search_space=search_space_to_proto(parameters),
                            objective=_objective_to_proto(objective),
                            sampler=_algorithm_to_proto(pb.SamplerSpec, sampler, "sampler"))
        if scheduler is not None:
            spec.scheduler.CopyFrom(_algorithm_to_proto(pb.SchedulerSpec, scheduler, "scheduler"))
        if max_resource is not None:
            spec.resource.max_resource = int(max_resource)
        if resource_unit is not None:
            spec.resource.unit = resource_unit
        if seed is not None:
            spec.seed = int(seed)
        if context_dimension is not None:
            spec.context_dimension = int(context_dimension)
        if schedule is not None:
            spec.schedule.CopyFrom(schedule_spec_to_proto(schedule))
        study = pb.Study(spec=spec, description=description or "",
                         user_attributes=dict(user_attributes or {}))
        if max_trials is not None:
            study.limits.max_trials = int(max_trials)
        if max_parallel_trials is not None:
            study.limits.max_parallel_trials = int(max_parallel_trials)
        if lease_duration is not None:
            study.limits.lease_duration.CopyFrom(
                _convert.to_duration(lease_duration, "lease_duration"))
        if target_value is not None:
            study.limits.target_value = float(target_value)
        client = client or Client()
        proto = client.call("CreateStudy", pb.CreateStudyRequest(
            study_id=_study_name(study_id)[len("studies/"):], study=study))
        return cls(client, proto)

    @classmethod
    def get(cls, study_id, client=None):
        """Opens an existing study by id ("my-study" or "studies/my-study").

        Raises NotFoundError if there is none.
        """
        client = client or Client()
        return cls(client, client.call("GetStudy", pb.GetStudyRequest(name=_study_name(study_id))))

    @classmethod
    def list(cls, client=None):
        """Yields every study on the server."""
        client = client or Client()
        for proto in client.list_studies():
            yield cls(client, proto)

    # -- what the study is ---------------------------------------------------------------------

    @property
    def proto(self):
        """The hyperd.v1.Study message as last fetched."""
        return self._proto

    @property
    def name(self):
        """"studies/{study_id}"."""
        return self._proto.name

    @property
    def study_id(self):
        return self._proto.name.split("/", 1)[-1]

    @property
    def spec(self):
        return self._proto.spec

    @property
    def state(self):
        """"ACTIVE", "PAUSED" or "COMPLETED" as last fetched (see refresh())."""
        return pb.Study.State.Name(self._proto.state)

    @property
    def state_reason(self):
        return self._proto.state_reason

    @property
    def objective_metric(self):
        """The metric trials are ranked by, e.g. "loss"."""
        return self._proto.spec.objective.metric

    @property
    def direction(self):
        """"minimize" or "maximize"."""
        return pb.Objective.Goal.Name(self._proto.spec.objective.goal).lower()

    @property
    def lease_duration(self):
        """How long a trial stays ACTIVE without a report or heartbeat (datetime.timedelta)."""
        limits = self._proto.limits
        if limits.HasField("lease_duration"):
            lease = limits.lease_duration.ToTimedelta()
            if lease > datetime.timedelta(0):
                return lease
        return _DEFAULT_LEASE

    @property
    def trial_counts(self):
        """{state name: number of trials}, as last fetched."""
        counts = self._proto.trial_counts
        return {f.name.upper(): getattr(counts, f.name) for f in counts.DESCRIPTOR.fields}

    def refresh(self):
        """Fetches the study again; returns self."""
        self._proto = self.client.call("GetStudy", pb.GetStudyRequest(name=self.name))
        return self

    # -- getting trials ------------------------------------------------------------------------

    def suggest(self, context=None, wait=False, poll_interval=1.0, timeout=None):
        """Returns the next trial to train, or None when the study has none to give.

        A worker that asks again gets its own open trial back first (a restarted job resumes).
        The returned trial renews its lease in the background until it is finished.

        Args:
            context: the context vector (a sequence of floats), required when the study
                declares context_dimension, with exactly that many values; otherwise the server
                raises InvalidArgumentError.
            wait: if True, wait while the study is at max_parallel_trials instead of returning
                None, polling every poll_interval seconds for at most timeout seconds (None:
                until a trial frees up).

        After None, self.last_suggest_reason says why: "MAX_TRIALS_REACHED",
        "MAX_PARALLEL_REACHED", "SPACE_EXHAUSTED" or "STUDY_NOT_ACTIVE".
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            trials = self.suggest_many(1, context=context)
            if trials:
                return trials[0]
            if not wait or self.last_suggest_reason != "MAX_PARALLEL_REACHED":
                return None
            if deadline is not None and time.monotonic() + poll_interval > deadline:
                return None
            time.sleep(poll_interval)

    def suggest_many(self, count, context=None):
        """Returns up to `count` (1-100) trials; fewer at a limit (see last_suggest_reason)."""
        response = self.client.call("SuggestTrials", pb.SuggestTrialsRequest(
            parent=self.name, count=int(count), client_id=self.client.client_id,
            context=list(context or [])))
        self.last_suggest_reason = (
            None if response.reason == pb.SuggestTrialsResponse.REASON_UNSPECIFIED
            else pb.SuggestTrialsResponse.Reason.Name(response.reason))
        return [Trial(self, proto, heartbeat=True) for proto in response.trials]

    def ask(self, context=None):
        """Optuna-style alias of suggest(): the next trial, or None."""
        return self.suggest(context=context)

    def tell(self, trial, value=None, **metrics):
        """Optuna-style: completes `trial` (a Trial or its number) with its final value."""
        if not isinstance(trial, Trial):
            trial = self.get_trial(trial)
        return trial.complete(value, **metrics)

    def enqueue(self, params, user_attributes=None):
        """Queues a known configuration {name: value}; it is handed out before sampled ones.

        Returns the REQUESTED trial.
        """
        trial = pb.Trial(parameters=params_to_proto(params, self.spec.search_space),
                         user_attributes=dict(user_attributes or {}))
        return Trial(self, self.client.call("CreateTrial",
                                            pb.CreateTrialRequest(parent=self.name, trial=trial)))

    # -- reading results -----------------------------------------------------------------------

    def get_trial(self, number):
        """Returns trial `number` of this study."""
        return Trial(self, self.client.call(
            "GetTrial", pb.GetTrialRequest(name=f"{self.name}/trials/{int(number)}")))

    def trials(self, states=None, page_size=None, skip_measurements=False):
        """Yields the study's trials by number, fetching page after page.

        Args:
            states: only trials in these states, e.g. ["SUCCEEDED", "PRUNED"] (default: all).
            page_size: trials per request (server default 100, at most 1000).
            skip_measurements: leave out intermediate measurements (smaller replies).
        """
        request = pb.ListTrialsRequest(parent=self.name, page_size=page_size or 0,
                                       skip_measurements=skip_measurements)
        for state in states or []:
            request.states.append(pb.Trial.State.Value(state.upper())
                                  if isinstance(state, str) else int(state))
        while True:
            response = self.client.call("ListTrials", request)
            for proto in response.trials:
                yield Trial(self, proto)
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def best_trial(self):
        """The best finished trial by the study's objective, or None if none has finished."""
        trials = self.best_trials()
        return trials[0] if trials else None

    def best_trials(self):
        """All optimal trials (ListOptimalTrials)."""
        response = self.client.call("ListOptimalTrials",
                                    pb.ListOptimalTrialsRequest(parent=self.name))
        return [Trial(self, proto) for proto in response.trials]

    def arms(self, page_size=None):
        """What a bandit study's policy has learned about each of its arms (ListArms).

        Returns an ArmList: a list of hyperd.Arm in arm order (arm, parameters as {name: value},
        pulls, pending, effective_pulls, mean_reward, lower_bound, upper_bound,
        selection_probability), with the attributes algorithm, arm_count and rewards_applied.
        Fetches page after page (page_size arms per request; server default 100, at most 1000).

        Raises:
            FailedPreconditionError: the study's sampler is not a bandit policy.
        """
        request = pb.ListArmsRequest(parent=self.name, page_size=page_size or 0)
        arms = ArmList()
        while True:
            response = self.client.call("ListArms", request)
            arms.extend(arm_from_proto(proto) for proto in response.arms)
            # The policy may learn between pages: the last page's totals are the newest.
            arms.algorithm = response.algorithm
            arms.arm_count = response.arm_count
            arms.rewards_applied = response.rewards_applied
            if not response.next_page_token:
                return arms
            request.page_token = response.next_page_token

    # -- managing ------------------------------------------------------------------------------

    def stop_trial(self, number, reason="stopped by user"):
        """Asks trial `number` to stop: it becomes STOPPING and its job is told to finish."""
        return Trial(self, self.client.call("StopTrial", pb.StopTrialRequest(
            name=f"{self.name}/trials/{int(number)}", reason=reason)))

    def pause(self):
        """No new trials are handed out until resume(); open trials may still finish."""
        return self._set_state(pb.Study.PAUSED)

    def resume(self):
        return self._set_state(pb.Study.ACTIVE)

    def complete(self):
        """Ends the study: no new trials; open trials may still finish."""
        return self._set_state(pb.Study.COMPLETED)

    def delete(self):
        """Deletes the study and all its trials."""
        self.client.call("DeleteStudy", pb.DeleteStudyRequest(name=self.name))

    def _set_state(self, state):
        self._proto = self.client.call("SetStudyState",
                                       pb.SetStudyStateRequest(name=self.name, state=state))
        return self
