"""A small builder for search spaces, and conversion of parameter values to and from the API.

    space = [
        hyperd.Float("lr", 1e-5, 1e-1, log=True),
        hyperd.Int("layers", 1, 4),
        hyperd.Categorical("optimizer", ["sgd", "adam"]),
        hyperd.Float("momentum", 0.0, 0.99, condition=hyperd.Condition("optimizer", ["sgd"])),
    ]

A conditional parameter is active only when its parent (an earlier Categorical or Int) takes one
of the listed values; inactive parameters are absent from `trial.params`. Bounds are checked by
the server, whose INVALID_ARGUMENT message names the parameter and the fix.
"""

import abc
import math
import numbers

from hyperd.client import pb


class Condition:
    """Activates a parameter only when `parent` takes one of `values`.

    Args:
        parent: name of an earlier Categorical or Int parameter.
        values: parent values (strings for a Categorical parent, ints for an Int parent).
    """

    def __init__(self, parent, values):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            values = [values]
        self.parent = parent
        self.values = list(values)
        if not self.values:
            raise ValueError(f"Condition on {parent!r}: values is empty; list the parent values "
                             "that activate the parameter")

    def __repr__(self):
        return f"Condition({self.parent!r}, {self.values!r})"

    def to_proto(self, parent_is_integer):
        condition = pb.Condition(parent=self.parent)
        if parent_is_integer:
            for v in self.values:
                if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                    raise TypeError(f"Condition on integer parameter {self.parent!r}: value {v!r} "
                                    "is not an int")
            condition.integer_values.extend(int(v) for v in self.values)
        else:
            for v in self.values:
                if not isinstance(v, str):
                    raise TypeError(f"Condition on categorical parameter {self.parent!r}: value "
                                    f"{v!r} is not a string")
            condition.categorical_values.extend(self.values)
        return condition


def _as_condition(condition):
    if condition is None or isinstance(condition, Condition):
        return condition
    if isinstance(condition, tuple) and len(condition) == 2:
        return Condition(*condition)
    raise TypeError(f"condition={condition!r}: pass hyperd.Condition(parent, values) or a "
                    "(parent, values) tuple")


class Parameter(abc.ABC):
    """Base of Float, Int and Categorical: a named parameter with an optional condition."""

    is_integer = False

    def __init__(self, name, condition=None):
        if not isinstance(name, str) or not name:
            raise TypeError(f"parameter name {name!r} must be a non-empty string")
        self.name = name
        self.condition = _as_condition(condition)

    @abc.abstractmethod
    def _kind_to_proto(self, spec):
        """Sets the kind oneof (double_spec, integer_spec or categorical_spec) of `spec`."""

    def to_proto(self, parent_is_integer=False):
        """Returns the hyperd.v1.ParameterSpec; parent_is_integer types the condition values."""
        spec = pb.ParameterSpec(name=self.name)
        self._kind_to_proto(spec)
        if self.condition is not None:
            spec.condition.CopyFrom(self.condition.to_proto(parent_is_integer))
        return spec


class Float(Parameter):
    """A real parameter in [low, high]; log=True samples uniformly in log space (low > 0);
    step=s restricts values to low + k*s (linear scale only)."""

    def __init__(self, name, low, high, log=False, step=None, condition=None):
        super().__init__(name, condition)
        self.low, self.high, self.log, self.step = float(low), float(high), bool(log), step

    def __repr__(self):
        return (f"Float({self.name!r}, {self.low!r}, {self.high!r}, log={self.log}, "
                f"step={self.step})")

    def _kind_to_proto(self, spec):
        spec.double_spec.min = self.low
        spec.double_spec.max = self.high
        if self.log:
            spec.double_spec.scale = pb.LOG
        if self.step is not None:
            spec.double_spec.step = float(self.step)


class Int(Parameter):
    """An integer parameter in [low, high] (both included); log=True samples in log space
    (low > 0); step=s restricts values to low + k*s (linear scale only)."""

    is_integer = True

    def __init__(self, name, low, high, log=False, step=None, condition=None):
        super().__init__(name, condition)
        for label, v in (("low", low), ("high", high), ("step", step)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Integral)):
                raise TypeError(f"Int {name!r}: {label}={v!r} is not an int; use Float for real "
                                "values")
        self.low, self.high, self.log, self.step = int(low), int(high), bool(log), step

    def __repr__(self):
        return (f"Int({self.name!r}, {self.low!r}, {self.high!r}, log={self.log}, "
                f"step={self.step})")

    def _kind_to_proto(self, spec):
        spec.integer_spec.min = self.low
        spec.integer_spec.max = self.high
        if self.log:
            spec.integer_spec.scale = pb.LOG
        if self.step is not None:
            spec.integer_spec.step = int(self.step)


class Categorical(Parameter):
    """A choice among strings, e.g. Categorical("optimizer", ["sgd", "adam"])."""

    def __init__(self, name, values, condition=None):
        super().__init__(name, condition)
        values = list(values)
        for v in values:
            if not isinstance(v, str):
                raise TypeError(f"Categorical {name!r}: value {v!r} is not a string; use strings "
                                "(or Int for integer choices)")
        self.values = values

    def __repr__(self):
        return f"Categorical({self.name!r}, {self.values!r})"

    def _kind_to_proto(self, spec):
        spec.categorical_spec.values.extend(self.values)


def search_space_to_proto(parameters):
    """Converts a list of Float/Int/Categorical (or ParameterSpec messages) to a SearchSpace."""
    space = pb.SearchSpace()
    integer_names = set()
    for p in parameters:
        if isinstance(p, pb.ParameterSpec):
            spec = p
        elif isinstance(p, Parameter):
            spec = p.to_proto(parent_is_integer=(p.condition is not None and
                                                 p.condition.parent in integer_names))
        else:
            raise TypeError(f"parameters: {p!r} is not a hyperd.Float, hyperd.Int, "
                            "hyperd.Categorical or hyperd.v1.ParameterSpec")
        if spec.WhichOneof("kind") == "integer_spec":
            integer_names.add(spec.name)
        space.parameters.append(spec)
    return space


def value_from_proto(parameter):
    """Returns the Python value (float, int or str) of a hyperd.v1.Parameter."""
    kind = parameter.WhichOneof("value")
    if kind == "double_value":
        return parameter.double_value
    if kind == "int_value":
        return parameter.int_value
    if kind == "categorical_value":
        return parameter.categorical_value
    return None


def params_to_proto(params, search_space):
    """Converts {name: value} to hyperd.v1.Parameter messages typed by the study's space."""
    specs = {spec.name: spec for spec in search_space.parameters}
    result = []
    for name, value in params.items():
        spec = specs.get(name)
        if spec is None:
            raise ValueError(f"parameter {name!r} is not in the study's search space "
                             f"(known: {', '.join(specs) or 'none'})")
        kind = spec.WhichOneof("kind")
        if kind == "double_spec":
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"parameter {name!r} is a float; got {value!r}")
            result.append(pb.Parameter(name=name, double_value=float(value)))
        elif kind == "integer_spec":
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                if not (isinstance(value, numbers.Real) and math.isfinite(value) and
                        float(value).is_integer()):
                    raise TypeError(f"parameter {name!r} is an int; got {value!r}")
            result.append(pb.Parameter(name=name, int_value=int(value)))
        else:
            if not isinstance(value, str):
                raise TypeError(f"parameter {name!r} is categorical (strings); got {value!r}")
            result.append(pb.Parameter(name=name, categorical_value=value))
    return result
