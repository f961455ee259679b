"""The benchmark's objective functions (all minimised), with their domains, optima and minimisers.

Eight standard test functions from the table of specs/bo.md §9 (www.sfu.ca/~ssurjano) and one
mixed problem of our own. A problem is described without reference to any tuning library: its
parameters are `Param`s, and `problem.evaluate(params)` takes {name: value} as a sampler hands it
out (float, int or str). Simple regret is `best value - problem.f_star`.

The minimisers listed here are the table's, refined to full double precision (by Nelder-Mead
from the table's point, or in closed form where one exists) so that `evaluate(argmin)` equals
f_star to 1e-9; test_functions_test.py checks this.

The mixed problem ("mixed") stands for a small neural-network tuning task:

    lr            float, log scale, [1e-5, 1]
    weight_decay  float, log scale, [1e-6, 1e-1]
    dropout       float, [0, 0.5]
    layers        int, [1, 8]
    units         int, log scale, [16, 1024]
    optimizer     categorical: sgd, momentum, adam, rmsprop
    activation    categorical: relu, tanh, gelu

    f = OPT_PENALTY[optimizer] + ACT_PENALTY[activation]
        + 0.5 a^2 + 0.2 a b + 0.1 b^2
        + 0.1 (log10(weight_decay) + 4)^2 + 4 (dropout - 0.1)^2 + 0.05 (layers - 3)^2

    a = log10(lr) - LR_OPT[optimizer]        b = log2(units) - 8

    optimizer    sgd   momentum  adam  rmsprop        activation   relu  tanh  gelu
    OPT_PENALTY  0.3   0.15      0     0.08           ACT_PENALTY  0.02  0.1   0
    LR_OPT       -1    -1.5      -3    -2.5

The quadratic form in (a, b) is positive definite (0.5 * 0.1 - 0.1^2 > 0) and every other term is
a square, so for each (optimizer, activation) the minimum over the numeric parameters is the pair's
penalty, reached at lr = 10^LR_OPT[optimizer] (inside the domain for every optimizer), units = 256,
weight_decay = 1e-4, dropout = 0.1, layers = 3. The penalties are zero only for adam and gelu, so
the unique minimiser is (lr 1e-3, weight_decay 1e-4, dropout 0.1, layers 3, units 256, adam, gelu)
with f* = 0. The best learning rate depends on the optimizer (a categorical-continuous
interaction) and the best lr and width are correlated (the a*b term).
"""

import collections
import math

# One parameter of a problem. kind: "float", "int" or "categorical"; choices only for categorical.
Param = collections.namedtuple("Param", "name kind low high log choices")


def Float(name, low, high, log=False):
    return Param(name, "float", float(low), float(high), log, ())


def Int(name, low, high, log=False):
    return Param(name, "int", int(low), int(high), log, ())


def Categorical(name, choices):
    return Param(name, "categorical", None, None, False, tuple(choices))


class Problem:
    """A minimisation problem: parameters, objective, optimal value and minimisers."""

    def __init__(self, name, params, function, f_star, argmins):
        self.name = name
        self.params = tuple(params)
        self._function = function
        self.f_star = float(f_star)
        self.argmins = tuple(argmins)  # each {name: value}

    def __repr__(self):
        return f"<Problem {self.name} d={len(self.params)} f*={self.f_star!r}>"

    def evaluate(self, values):
        """The objective at {name: value}."""
        return float(self._function(values))


def _vector(values, d):
    return [float(values[f"x{i}"]) for i in range(d)]


def _point(*xs):
    return {f"x{i}": float(x) for i, x in enumerate(xs)}


# --- Branin -----------------------------------------------------------------------------------

def branin(x):
    x1, x2 = x
    return ((x2 - 5.1 * x1 ** 2 / (4 * math.pi ** 2) + 5 * x1 / math.pi - 6) ** 2
            + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10)


# --- Six-hump camel ---------------------------------------------------------------------------

def six_hump_camel(x):
    x1, x2 = x
    return (4 - 2.1 * x1 ** 2 + x1 ** 4 / 3) * x1 ** 2 + x1 * x2 + (-4 + 4 * x2 ** 2) * x2 ** 2


_CAMEL_X1 = 0.08984200893527233
_CAMEL_X2 = -0.712656403019058

# --- Hartmann ---------------------------------------------------------------------------------

_HARTMANN_ALPHA = (1.0, 1.2, 3.0, 3.2)
_HARTMANN3_A = ((3, 10, 30), (0.1, 10, 35), (3, 10, 30), (0.1, 10, 35))
_HARTMANN3_P = ((0.3689, 0.1170, 0.2673), (0.4699, 0.4387, 0.7470), (0.1091, 0.8732, 0.5547),
                (0.0381, 0.5743, 0.8828))
_HARTMANN6_A = ((10, 3, 17, 3.5, 1.7, 8), (0.05, 10, 17, 0.1, 8, 14), (3, 3.5, 1.7, 10, 17, 8),
                (17, 8, 0.05, 10, 0.1, 14))
_HARTMANN6_P = ((0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886),
                (0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991),
                (0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650),
                (0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381))


def _hartmann(a, p):
    def function(x):
        total = 0.0
        for alpha, a_row, p_row in zip(_HARTMANN_ALPHA, a, p):
            total += alpha * math.exp(-sum(aj * (xj - pj) ** 2
                                           for aj, xj, pj in zip(a_row, x, p_row)))
        return -total
    return function


hartmann3 = _hartmann(_HARTMANN3_A, _HARTMANN3_P)
hartmann6 = _hartmann(_HARTMANN6_A, _HARTMANN6_P)

# --- Rosenbrock, Styblinski-Tang, Levy, Ackley ------------------------------------------------


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (x[i] - 1) ** 2 for i in range(len(x) - 1))


def styblinski_tang(x):
    return 0.5 * sum(xi ** 4 - 16 * xi ** 2 + 5 * xi for xi in x)


# The root of 4x^3 - 32x + 5 = 0 near -2.9035, and the 1-D minimum value.
_STYBLINSKI_X = -2.903534027771177
_STYBLINSKI_F1 = -39.16616570377142


def levy(x):
    w = [1 + (xi - 1) / 4 for xi in x]
    total = math.sin(math.pi * w[0]) ** 2
    for wi in w[:-1]:
        total += (wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2)
    total += (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return total


def ackley(x, a=20.0, b=0.2, c=2 * math.pi):
    d = len(x)
    return (-a * math.exp(-b * math.sqrt(sum(xi * xi for xi in x) / d))
            - math.exp(sum(math.cos(c * xi) for xi in x) / d) + a + math.e)


# --- The mixed problem ------------------------------------------------------------------------

MIXED_OPT_PENALTY = {"sgd": 0.3, "momentum": 0.15, "adam": 0.0, "rmsprop": 0.08}
MIXED_ACT_PENALTY = {"relu": 0.02, "tanh": 0.1, "gelu": 0.0}
MIXED_LR_OPT = {"sgd": -1.0, "momentum": -1.5, "adam": -3.0, "rmsprop": -2.5}  # log10(lr)


def mixed(values):
    optimizer = values["optimizer"]
    a = math.log10(values["lr"]) - MIXED_LR_OPT[optimizer]
    b = math.log2(values["units"]) - 8
    return (MIXED_OPT_PENALTY[optimizer] + MIXED_ACT_PENALTY[values["activation"]]
            + 0.5 * a * a + 0.2 * a * b + 0.1 * b * b
            + 0.1 * (math.log10(values["weight_decay"]) + 4) ** 2
            + 4 * (values["dropout"] - 0.1) ** 2
            + 0.05 * (values["layers"] - 3) ** 2)


_MIXED_PARAMS = (
    Float("lr", 1e-5, 1.0, log=True),
    Float("weight_decay", 1e-6, 1e-1, log=True),
    Float("dropout", 0.0, 0.5),
    Int("layers", 1, 8),
    Int("units", 16, 1024, log=True),
    Categorical("optimizer", ("sgd", "momentum", "adam", "rmsprop")),
    Categorical("activation", ("relu", "tanh", "gelu")),
)
_MIXED_ARGMIN = {"lr": 1e-3, "weight_decay": 1e-4, "dropout": 0.1, "layers": 3, "units": 256,
                 "optimizer": "adam", "activation": "gelu"}


# --- The problem list -------------------------------------------------------------------------

def _vector_problem(name, bounds, function, f_star, argmins):
    """A problem over x0, x1, ... with bounds [(low, high), ...]."""
    d = len(bounds)
    params = [Float(f"x{i}", low, high) for i, (low, high) in enumerate(bounds)]
    return Problem(name, params, lambda values: function(_vector(values, d)), f_star, argmins)


def _build():
    problems = [
        _vector_problem("branin", [(-5, 10), (0, 15)], branin, 5 / (4 * math.pi),
                        [_point(-math.pi, 12.275), _point(math.pi, 2.275),
                         _point(3 * math.pi, 2.475)]),
        _vector_problem("six-hump-camel", [(-3, 3), (-2, 2)], six_hump_camel, -1.0316284534898774,
                        [_point(_CAMEL_X1, _CAMEL_X2), _point(-_CAMEL_X1, -_CAMEL_X2)]),
        _vector_problem("hartmann-3", [(0, 1)] * 3, hartmann3, -3.862779787332663,
                        [_point(0.11458888630249218, 0.555648892137223, 0.8525469834303224)]),
        _vector_problem("hartmann-6", [(0, 1)] * 6, hartmann6, -3.3223680114155147,
                        [_point(0.20168951547426928, 0.1500106959831638, 0.4768739730646581,
                                0.2753324319892755, 0.31165161627078775, 0.6573005345348383)]),
        _vector_problem("rosenbrock-4", [(-5, 10)] * 4, rosenbrock, 0.0, [_point(*[1.0] * 4)]),
        _vector_problem("styblinski-tang-5", [(-5, 5)] * 5, styblinski_tang, 5 * _STYBLINSKI_F1,
                        [_point(*[_STYBLINSKI_X] * 5)]),
        _vector_problem("levy-5", [(-10, 10)] * 5, levy, 0.0, [_point(*[1.0] * 5)]),
        _vector_problem("ackley-5", [(-32.768, 32.768)] * 5, ackley, 0.0, [_point(*[0.0] * 5)]),
        Problem("mixed", _MIXED_PARAMS, mixed, 0.0, [_MIXED_ARGMIN]),
    ]
    return {p.name: p for p in problems}


PROBLEMS = _build()
