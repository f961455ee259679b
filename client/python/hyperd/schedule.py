"""Learning-rate schedules: describe one, and evaluate it locally at any optimizer step.

    sched = hyperd.Schedule("cosine", base_lr=0.1, total_steps=1000, warmup_steps=50)
    sched.learning_rate(0)                   # 0.0: HF warm-up from warmup_start_factor 0
    sched.learning_rate(50)                  # 0.1: the peak, exactly at t = warmup_steps
    hyperd.learning_rate_at(trial.schedule, step)   # a hyperd.v1.Schedule message works too

A training job asks hyperd for its schedule once (Trial.schedule) and evaluates it here at every
step: no RPC per step. The formulas are the server's closed forms
(algorithms/schedules/families/learning_rate.h, specs/lr-schedules.md §0-§1) transcribed in the
same order of floating-point operations, so both sides agree to the last bit:

* `step` is the 0-indexed optimizer update t = 0 ... T-1; the LR of update t is base_lr * s_t. It
  equals PyTorch's `last_epoch` when scheduler.step() is called after optimizer.step(), and HF's
  `current_step`.
* Warm-up (every family but tabulated), t < W: s_t = a + (1 - a) * t / W (a =
  warmup_start_factor; 0 as in HF, so the first update is wasted; PyTorch LinearLR's start_factor).
  The family starts at its own e = t - W = 0 at t = W (PyTorch SequentialLR with milestone W).
* Families after warm-up, with u = e / max(1, T - W) and rho = min_lr_ratio:
  constant 1; linear rho + (1-rho)(1-u); cosine rho + (1-rho)(1+cos(pi u))/2; polynomial
  rho + (1-rho)(1-u)^power; wsd 1 until T-D then linear / cosine / 1-sqrt down to rho over
  D = round(cooldown_fraction * T) steps (halves away from zero); inverse_sqrt
  1/sqrt((e + tau)/tau) with tau = timescale, or W, or 10000; onecycle PyTorch OneCycleLR over
  N = T - W steps at e; piecewise_constant the product of factors[i] over milestones[i] <= t
  (absolute steps); step gamma^floor(e / step_size) (PyTorch StepLR); tabulated shape[]
  interpolated linearly at u = t/(T-1) (no warm-up).
* Steps are clamped to [0, T]: the floor rho is the value at t = T, the one after the last
  update (HF: linear reaches 0 at s = N); onecycle reads t = T-1 past the run, tabulated its last
  entry. PyTorch's CosineAnnealingLR would rise again past T_max; hyperd holds the floor.

Defaults of unset fields are the server's: family LINEAR, wsd cooldown_fraction 0.2 with linear
decay, polynomial power 1, onecycle pct_start 0.3 / div_factor 25 / final_div_factor 1e4 / cos,
step gamma 0.1.
"""

import dataclasses
import math
import numbers

from google.protobuf import json_format

from hyperd.client import pb

# Family names as the API spells them in ScheduleSpec.parameter_fields ("family" values) and
# in lower case everywhere in the docs; enum names are accepted in any case.
FAMILIES = ("constant", "linear", "cosine", "wsd", "inverse_sqrt", "polynomial", "onecycle",
            "piecewise_constant", "tabulated", "step")
_DECAY_SHAPES = ("linear", "cosine", "one_minus_sqrt")
_ANNEALS = ("cos", "linear")
_DEFAULT_INVERSE_SQRT_TIMESCALE = 10000  # HF get_inverse_sqrt_schedule without warm-up


def _family_name(value):
    """"cosine" for pb.Schedule.COSINE, "COSINE", "Cosine", "cosine"; ValueError otherwise."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value == pb.Schedule.FAMILY_UNSPECIFIED:
            return "linear"
        try:
            return pb.Schedule.Family.Name(int(value)).lower()
        except ValueError:
            pass
    elif isinstance(value, str):
        name = value.strip().lower().replace("-", "_")
        name = {"family_unspecified": "linear", "one_cycle": "onecycle",
                "inverse_square_root": "inverse_sqrt"}.get(name, name)
        if name in FAMILIES:
            return name
    raise ValueError(f"schedule family {value!r} is unknown: use one of {', '.join(FAMILIES)}")


def _choice(value, choices, field):
    name = str(value).strip().lower().replace("-", "_")
    if name == "1_sqrt":
        name = "one_minus_sqrt"
    if name not in choices:
        raise ValueError(f"{field}={value!r} is unknown: use one of {', '.join(choices)}")
    return name


@dataclasses.dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule (the API's hyperd.v1.Schedule) with every default applied.

    Build one directly, Schedule("wsd", base_lr=0.1, total_steps=1000, cooldown_fraction=0.1),
    from a message (Schedule.from_proto) or a dict (Schedule.from_dict); Trial.schedule returns
    one. Evaluate with learning_rate(step), shape(step) and learning_rates(). Immutable: use
    dataclasses.replace(schedule, base_lr=...) for a variant.

    Fields (per-family ones are read only for their family):
        family: one of FAMILIES.
        base_lr: the peak LR (> 0).
        total_steps: T, updates t = 0 ... T-1.
        warmup_steps: W; warmup_start_factor: s_0 of the warm-up; min_lr_ratio: rho.
        cooldown_fraction, decay_shape ("linear", "cosine", "one_minus_sqrt"): wsd.
        power: polynomial. timescale: inverse_sqrt (0: W, or 10000 without warm-up).
        pct_start, anneal ("cos", "linear"), div_factor, final_div_factor, three_phase: onecycle.
        milestones, factors: piecewise_constant. shape: tabulated. step_size, gamma: step.
        effective_from_step: online rules; the step from which this schedule replaces the
            previous one (0 for a trial's first schedule).
    """

    family: str = "linear"
    base_lr: float = 0.0
    total_steps: int = 0
    warmup_steps: int = 0
    warmup_start_factor: float = 0.0
    min_lr_ratio: float = 0.0
    cooldown_fraction: float = 0.2
    decay_shape: str = "linear"
    power: float = 1.0
    timescale: int = 0
    pct_start: float = 0.3
    anneal: str = "cos"
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False
    milestones: tuple = ()
    factors: tuple = ()
    shape: tuple = ()
    step_size: int = 0
    gamma: float = 0.1
    effective_from_step: int = 0

    def __post_init__(self):
        # Normalise so that equal schedules compare equal however they were spelled.
        set_ = object.__setattr__
        set_(self, "family", _family_name(self.family))
        set_(self, "decay_shape", _choice(self.decay_shape, _DECAY_SHAPES, "decay_shape"))
        set_(self, "anneal", _choice(self.anneal, _ANNEALS, "anneal"))
        for name in ("base_lr", "warmup_start_factor", "min_lr_ratio", "cooldown_fraction",
                     "power", "pct_start", "div_factor", "final_div_factor", "gamma"):
            set_(self, name, float(getattr(self, name)))
        for name in ("total_steps", "warmup_steps", "timescale", "step_size",
                     "effective_from_step"):
            value = getattr(self, name)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"schedule.{name}={value!r} must be an int")
            set_(self, name, int(value))
        set_(self, "three_phase", bool(self.three_phase))
        set_(self, "milestones", tuple(int(m) for m in self.milestones))
        set_(self, "factors", tuple(float(f) for f in self.factors))
        set_(self, "shape", tuple(float(v) for v in self.shape))

    # -- conversions ---------------------------------------------------------------------------

    @classmethod
    def from_proto(cls, message):
        """The schedule of a hyperd.v1.Schedule message, unset optional fields at their
        defaults (as the server reads it)."""
        wsd, poly, onecycle, step = (message.wsd, message.polynomial, message.onecycle,
                                     message.step)
        return cls(
            family=_family_name(message.family),
            base_lr=message.base_lr,
            total_steps=message.total_steps,
            warmup_steps=message.warmup_steps,
            warmup_start_factor=message.warmup_start_factor,
            min_lr_ratio=message.min_lr_ratio,
            cooldown_fraction=wsd.cooldown_fraction if wsd.HasField("cooldown_fraction") else 0.2,
            decay_shape={pb.WsdParams.COSINE: "cosine",
                         pb.WsdParams.ONE_MINUS_SQRT: "one_minus_sqrt"}.get(wsd.decay_shape,
                                                                            "linear"),
            power=poly.power if poly.HasField("power") else 1.0,
            timescale=message.inverse_sqrt.timescale,
            pct_start=onecycle.pct_start if onecycle.HasField("pct_start") else 0.3,
            anneal="linear" if onecycle.anneal == pb.OneCycleParams.LINEAR else "cos",
            div_factor=onecycle.div_factor if onecycle.HasField("div_factor") else 25.0,
            final_div_factor=(onecycle.final_div_factor
                              if onecycle.HasField("final_div_factor") else 1e4),
            three_phase=onecycle.three_phase,
            milestones=tuple(message.piecewise_constant.milestones),
            factors=tuple(message.piecewise_constant.factors),
            shape=tuple(message.tabulated.shape),
            step_size=step.step_size,
            gamma=step.gamma if step.HasField("gamma") else 0.1,
            effective_from_step=message.effective_from_step)

    def to_proto(self):
        """The hyperd.v1.Schedule message: the common fields and the family's parameters."""
        message = pb.Schedule(
            family=pb.Schedule.Family.Value(self.family.upper()), base_lr=self.base_lr,
            total_steps=self.total_steps, warmup_steps=self.warmup_steps,
            warmup_start_factor=self.warmup_start_factor, min_lr_ratio=self.min_lr_ratio,
            effective_from_step=self.effective_from_step)
        if self.family == "wsd":
            message.wsd.cooldown_fraction = self.cooldown_fraction
            message.wsd.decay_shape = pb.WsdParams.DecayShape.Value(self.decay_shape.upper())
        elif self.family == "polynomial":
            message.polynomial.power = self.power
        elif self.family == "inverse_sqrt":
            message.inverse_sqrt.timescale = self.timescale
        elif self.family == "onecycle":
            message.onecycle.pct_start = self.pct_start
            message.onecycle.anneal = pb.OneCycleParams.Anneal.Value(self.anneal.upper())
            message.onecycle.div_factor = self.div_factor
            message.onecycle.final_div_factor = self.final_div_factor
            message.onecycle.three_phase = self.three_phase
        elif self.family == "piecewise_constant":
            message.piecewise_constant.milestones.extend(self.milestones)
            message.piecewise_constant.factors.extend(self.factors)
        elif self.family == "tabulated":
            message.tabulated.shape.extend(self.shape)
        elif self.family == "step":
            message.step.step_size = self.step_size
            message.step.gamma = self.gamma
        return message

    @classmethod
    def from_dict(cls, value):
        """A schedule from the message's field names, e.g. {"family": "wsd", "base_lr": 0.1,
        "total_steps": 1000, "wsd": {"cooldown_fraction": 0.1, "decay_shape":
        "one_minus_sqrt"}} (enum values by name in any case, JSON names accepted); per-family
        parameters may also be given flat ({"family": "wsd", "cooldown_fraction": 0.1})."""
        return cls.from_proto(schedule_to_proto(value))

    # -- evaluation ----------------------------------------------------------------------------

    def shape_at(self, step):
        """s_t: the multiplier of base_lr at optimizer step `step`."""
        return _shape_at(self, step)

    def learning_rate(self, step):
        """base_lr * s_t: the LR optimizer update `step` uses."""
        return self.base_lr * _shape_at(self, step)

    __call__ = learning_rate

    def learning_rates(self, steps=None):
        """[learning_rate(t) for t in 0 ... steps-1]; steps defaults to total_steps."""
        steps = self.total_steps if steps is None else int(steps)
        return [self.learning_rate(t) for t in range(max(0, steps))]


# -- the closed forms (same operation order as learning_rate.cc) ---------------------------------


def _round_half_away(x):
    # std::llround for x >= 0; Python's round() would round halves to even.
    whole = math.floor(x)
    return int(whole) + (1 if x - whole >= 0.5 else 0)


def wsd_cooldown_steps(cooldown_fraction, total_steps):
    """D = round(c * T), halves away from zero, within [0, T] (the serving convention)."""
    if not cooldown_fraction > 0.0 or total_steps <= 0:  # also NaN
        return 0
    return min(_round_half_away(min(cooldown_fraction, 1.0) * float(total_steps)), total_steps)


def _above_floor(f, rho):
    return rho + (1.0 - rho) * f


def _anneal(anneal, start, end, pct):
    if anneal == "cos":
        cos_out = math.cos(math.pi * pct) + 1.0
        return end + (start - end) / 2.0 * cos_out
    return (end - start) * pct + start


def _onecycle_shape(s, e, n):
    initial = 1.0 / s.div_factor
    minimum = initial / s.final_div_factor
    pct_steps = s.pct_start * float(n)
    last = float(n) - 1.0
    if s.three_phase:
        phases = ((pct_steps - 1.0, initial, 1.0), (2.0 * pct_steps - 2.0, 1.0, initial),
                  (last, initial, minimum))
    else:
        phases = ((pct_steps - 1.0, initial, 1.0), (last, 1.0, minimum))
    step = float(e)
    start_step = 0.0
    for i, (end_step, start, end) in enumerate(phases):
        if step <= end_step or i + 1 == len(phases):
            pct = (step - start_step) / (end_step - start_step)
            return _anneal(s.anneal, start, end, pct)
        start_step = end_step
    return minimum


def _piecewise_shape(s, t):
    shape = 1.0
    for milestone, factor in zip(s.milestones, s.factors):
        if milestone > t:
            break
        shape *= factor
    return shape


def _tabulated_shape(s, t):
    table = s.shape
    if not table:
        return 0.0
    if len(table) == 1 or s.total_steps <= 1:
        return table[0]
    # x = u * (n-1) with u = t/(T-1), multiplied first so grid points are hit exactly.
    x = min(float(len(table) - 1), float(t) * float(len(table) - 1) / float(s.total_steps - 1))
    left = min(int(x), len(table) - 2)
    weight = x - float(left)
    return table[left] + (table[left + 1] - table[left]) * weight


def _wsd_shape(s, t):
    total = s.total_steps
    decay = wsd_cooldown_steps(s.cooldown_fraction, total)
    if t >= total:
        return s.min_lr_ratio
    if t < total - decay:
        return 1.0
    p = float(t - (total - decay)) / float(decay)
    if s.decay_shape == "linear":
        f = 1.0 - p
    elif s.decay_shape == "cosine":
        f = 0.5 * (1.0 + math.cos(math.pi * p))
    else:
        f = 1.0 - math.sqrt(p)
    return _above_floor(f, s.min_lr_ratio)


def _family_shape(s, t, e, n):
    u = float(e) / float(max(1, n))
    rho = s.min_lr_ratio
    family = s.family
    if family == "constant":
        return 1.0
    if family == "linear":
        return _above_floor(1.0 - u, rho)
    if family == "cosine":
        return _above_floor(0.5 * (1.0 + math.cos(math.pi * u)), rho)
    if family == "polynomial":
        return _above_floor(math.pow(1.0 - u, s.power), rho)
    if family == "wsd":
        return _wsd_shape(s, t)
    if family == "inverse_sqrt":
        timescale = s.timescale
        if timescale == 0:
            timescale = s.warmup_steps if s.warmup_steps > 0 else _DEFAULT_INVERSE_SQRT_TIMESCALE
        tau = float(timescale)
        return 1.0 / math.sqrt((float(e) + tau) / tau)
    if family == "onecycle":
        return _onecycle_shape(s, min(e, n - 1), n)
    if family == "piecewise_constant":
        return _piecewise_shape(s, t)
    if family == "tabulated":
        return _tabulated_shape(s, t)
    if family == "step":
        return math.pow(s.gamma, float(e // max(1, s.step_size)))
    raise AssertionError(f"unhandled family {family!r}")


def _shape_at(s, step):
    total = max(1, s.total_steps)
    t = min(max(int(step), 0), total)
    warmup = s.warmup_steps
    if t < warmup:
        a = s.warmup_start_factor
        return a + (1.0 - a) * float(t) / float(warmup)
    return _family_shape(s, t, t - warmup, total - warmup)


# -- module-level helpers ------------------------------------------------------------------------


def as_schedule(value):
    """A hyperd.Schedule from a Schedule, a hyperd.v1.Schedule message or a dict."""
    if isinstance(value, Schedule):
        return value
    if isinstance(value, pb.Schedule):
        return Schedule.from_proto(value)
    if isinstance(value, dict):
        return Schedule.from_dict(value)
    raise TypeError(f"schedule={value!r}: pass a hyperd.Schedule, a hyperd.v1.Schedule message "
                    "or a dict of its fields")


def shape_at(schedule, step):
    """s_t of `schedule` (Schedule, message or dict) at optimizer step `step`."""
    return as_schedule(schedule).shape_at(step)


def learning_rate_at(schedule, step):
    """The LR optimizer update `step` uses under `schedule` (Schedule, message or dict)."""
    return as_schedule(schedule).learning_rate(step)


def learning_rates(schedule, steps=None):
    """The LRs of steps 0 ... steps-1 (default total_steps)."""
    return as_schedule(schedule).learning_rates(steps)


# Flat per-family keys accepted by schedule_to_proto, and the message holding them.
_FLAT_KEYS = {
    "cooldown_fraction": "wsd", "decay_shape": "wsd", "power": "polynomial",
    "timescale": "inverse_sqrt", "pct_start": "onecycle", "anneal": "onecycle",
    "div_factor": "onecycle", "final_div_factor": "onecycle", "three_phase": "onecycle",
    "milestones": "piecewise_constant", "factors": "piecewise_constant", "shape": "tabulated",
    "step_size": "step", "gamma": "step",
}


def upper_enum_names(descriptor, value):
    """A copy of the dict `value` with enum values upper-cased (so "wsd" works like "WSD", and a
    sampler's "capped_cost" like "CAPPED_COST"), following nested messages and maps; keys matching
    no field are left for ParseDict to report. Shared by every dict-to-message conversion."""
    if not isinstance(value, dict):
        return value
    fields = {}
    for f in descriptor.fields:
        fields[f.name] = f
        fields[f.json_name] = f
    result = {}
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            result[key] = item
        elif field.enum_type is not None and isinstance(item, str):
            name = item.strip().upper().replace("-", "_")
            if field.enum_type.full_name == "hyperd.v1.WsdParams.DecayShape" and name == "1_SQRT":
                name = "ONE_MINUS_SQRT"
            if field.enum_type.full_name == "hyperd.v1.Schedule.Family":
                name = _family_name(name).upper()
            result[key] = name
        elif (field.message_type is not None and isinstance(item, dict)
              and not field.message_type.GetOptions().map_entry):
            result[key] = upper_enum_names(field.message_type, item)
        else:
            result[key] = item
    return result


def schedule_to_proto(value, field="schedule"):
    """A hyperd.v1.Schedule from a Schedule, a message or a dict (see Schedule.from_dict).

    Raises ValueError naming `field` when the dict has unknown keys or values."""
    if isinstance(value, pb.Schedule):
        return value
    if isinstance(value, Schedule):
        return value.to_proto()
    if not isinstance(value, dict):
        raise TypeError(f"{field}={value!r}: pass a hyperd.Schedule, a hyperd.v1.Schedule "
                        "message or a dict of its fields")
    nested = {}
    for key, item in value.items():
        group = _FLAT_KEYS.get(key)
        if group is None:
            nested[key] = item
        else:
            nested.setdefault(group, {})
            if not isinstance(nested[group], dict):
                raise ValueError(f"{field}: {key!r} given both flat and inside {group!r}")
            nested[group][key] = item
    if isinstance(nested.get("family"), str):
        nested["family"] = _family_name(nested["family"]).upper()
    try:
        return json_format.ParseDict(upper_enum_names(pb.Schedule.DESCRIPTOR, nested),
                                     pb.Schedule())
    except json_format.ParseError as e:
        raise ValueError(f"{field} {value!r} is invalid: {e}") from None


def schedule_spec_to_proto(value, field="schedule"):
    """A hyperd.v1.ScheduleSpec for Study.create(schedule=...).

    Accepts the message, a Schedule / hyperd.v1.Schedule (every trial follows it), or a dict
    {"schedule": {...}, "parameter_fields": {"lr": "base_lr", "shape": "family"},
    "refine": {"enabled": True, "norm": "l2_sgd"}, "online": {"rule": "hypergradient",
    "hypergradient_beta": 1e-3}}; a dict without a "schedule" key but with schedule fields
    (e.g. {"family": "cosine", "base_lr": 0.1}) is the schedule itself."""
    if isinstance(value, pb.ScheduleSpec):
        return value
    if isinstance(value, (Schedule, pb.Schedule)):
        return pb.ScheduleSpec(schedule=schedule_to_proto(value, field))
    if not isinstance(value, dict):
        raise TypeError(f"{field}={value!r}: pass a dict such as {{'schedule': {{'family': "
                        "'cosine', 'base_lr': 0.1, 'total_steps': 1000}, 'parameter_fields': "
                        "{'lr': 'base_lr'}}, a hyperd.Schedule or a hyperd.v1.ScheduleSpec")
    spec_keys = {f.name for f in pb.ScheduleSpec.DESCRIPTOR.fields}
    spec_keys |= {f.json_name for f in pb.ScheduleSpec.DESCRIPTOR.fields}
    if not any(key in spec_keys for key in value):
        return pb.ScheduleSpec(schedule=schedule_to_proto(value, f"{field}.schedule"))
    rest = dict(value)
    schedule = rest.pop("schedule", None)
    spec = pb.ScheduleSpec()
    try:
        json_format.ParseDict(upper_enum_names(pb.ScheduleSpec.DESCRIPTOR, rest), spec)
    except json_format.ParseError as e:
        raise ValueError(f"{field} {value!r} is invalid: {e}") from None
    if schedule is not None:
        spec.schedule.CopyFrom(schedule_to_proto(schedule, f"{field}.schedule"))
    return spec
