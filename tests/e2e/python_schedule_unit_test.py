#!/usr/bin/python3
"""Unit tests of the Python client's learning-rate schedule pieces, without a server:
hyperd.Schedule (local evaluation of the closed forms), hyperd.TrialLR (the PyTorch-style
scheduler) on a duck-typed optimizer, and hyperd.StepReporter against a fake connection.

Run by CTest (test `python_schedule_unit`, label unit) with PYTHONPATH=<build>/python; by hand:

    PYTHONPATH=build/python /usr/bin/python3 tests/e2e/python_schedule_unit_test.py -v

The expected values are the test vectors of specs/lr-schedules.md §1.1-§1.2 and §5 (quoted to 6
significant digits there), the vectors of the C++ unit tests
(tests/unit/algorithms/schedules/families/), and CPP_GOLDEN: values printed with %.17g by the
C++ library (algorithms/schedules/families, LearningRateAt) for one schedule of every family, which
the Python closed forms must reproduce bit for bit.
"""

import dataclasses
import unittest

import hyperd
from hyperd import errors
from hyperd import step_reporter as step_reporter_module
from hyperd.client import pb
from hyperd.schedule import Schedule
from hyperd.schedule import schedule_spec_to_proto
from hyperd.schedule import schedule_to_proto
from hyperd.schedule import wsd_cooldown_steps

try:
    import torch
except ImportError:  # the torch-specific tests are skipped
    torch = None

SPEC_RELATIVE_TOLERANCE = 1e-5  # the spec's vectors carry 6 significant digits

# (schedule, [(step, LearningRateAt printed by the C++ library with %.17g)]).
CPP_GOLDEN = [
    (Schedule('constant', base_lr=0.3, total_steps=50, warmup_steps=7,
              warmup_start_factor=0.05),
     [(0, 0.014999999999999999), (1, 0.055714285714285716), (6, 0.25928571428571423), (7,
      0.29999999999999999), (36, 0.29999999999999999), (37, 0.29999999999999999), (38,
      0.29999999999999999)]),
    (Schedule('linear', base_lr=0.1, total_steps=1000, warmup_steps=37, min_lr_ratio=0.05),
     [(0, 0), (1, 0.0027027027027027029), (6, 0.016216216216216217), (7, 0.01891891891891892),
      (36, 0.097297297297297303), (37, 0.10000000000000001), (38, 0.099901349948078921), (100,
      0.093785046728971977), (333, 0.070799584631360338), (500, 0.05432502596053998), (599,
      0.044558670820353058), (777, 0.026998961578400829), (899, 0.014963655244029079), (900,
      0.014865005192107995), (901, 0.014766355140186916), (989, 0.0060851505711318841), (990,
      0.0059865005192107973), (995, 0.0054932502596054039), (996, 0.0053946002076843171), (997,
      0.0052959501557632406), (998, 0.0051973001038421642), (999, 0.0050986500519210774), (1000,
      0.005000000000000001)]),
    (Schedule('cosine', base_lr=0.1, total_steps=1000, warmup_steps=37, warmup_start_factor=0.1,
              min_lr_ratio=0.01),
     [(0, 0.010000000000000002), (1, 0.012432432432432434), (6, 0.024594594594594597), (7,
      0.027027027027027029), (36, 0.09756756756756757), (37, 0.10000000000000001), (38,
      0.099999736596228378), (100, 0.09895822434831876), (333, 0.07866008263877558), (500,
      0.05348563582582716), (599, 0.037649466205194229), (777, 0.013531206483171269), (899,
      0.0036627626835303777), (900, 0.0036107619365777378), (901, 0.0035592602119343727), (989,
      0.0010318684645203875), (990, 0.0010263380645227956), (995, 0.0010065849541268719), (996,
      0.0010042144042803061), (997, 0.0010023706171248654), (998, 0.001001053612283197), (999,
      0.0010002634037716248), (1000, 0.001)]),
    (Schedule('wsd', base_lr=0.1, total_steps=1000, warmup_steps=50, min_lr_ratio=0.02,
              cooldown_fraction=0.1),
     [(0, 0), (1, 0.002), (6, 0.012), (7, 0.014000000000000002), (36, 0.071999999999999995),
      (37, 0.073999999999999996), (38, 0.076000000000000012), (100, 0.10000000000000001), (333,
      0.10000000000000001), (500, 0.10000000000000001), (599, 0.10000000000000001), (777,
      0.10000000000000001), (899, 0.10000000000000001), (900, 0.10000000000000001), (901,
      0.099019999999999997), (989, 0.012779999999999998), (990, 0.011799999999999998), (995,
      0.0069000000000000051), (996, 0.0059200000000000034), (997, 0.0049400000000000034), (998,
      0.0039600000000000017), (999, 0.0029800000000000009), (1000, 0.002)]),
    (Schedule('wsd', base_lr=1.0, total_steps=10, cooldown_fraction=0.25, decay_shape='cosine'),
     [(0, 1), (1, 1), (6, 1), (7, 1)]),
    (Schedule('wsd', base_lr=1.0, total_steps=999, warmup_steps=10, min_lr_ratio=0.1,
              cooldown_fraction=0.1, decay_shape='one_minus_sqrt'),
     [(0, 0), (1, 0.10000000000000001), (6, 0.59999999999999998), (7, 0.69999999999999996), (36,
      1), (37, 1), (38, 1), (100, 1), (333, 1), (500, 1), (599, 1), (777, 1), (899, 1), (900,
      0.91000000000000003), (901, 0.87272077938642145), (989, 0.14618503175453762), (990,
      0.14145471872474891), (995, 0.11818369259805593), (996, 0.11360279783835057), (997,
      0.10904545570495008), (998, 0.10451130660404204), (999, 0.10000000000000001), (1000,
      0.10000000000000001)]),
    (Schedule('inverse_sqrt', base_lr=0.01, total_steps=1000),
     [(0, 0.01), (1, 0.0099995000374968768), (6, 0.0099970013493253535), (7,
      0.0099965018364287818), (36, 0.0099820484546577874), (37, 0.0099815511797201398), (38,
      0.0099810539790932112), (100, 0.0099503719020998926), (333, 0.0098375462081390433), (500,
      0.0097590007294853318), (599, 0.0097133168097003845), (777, 0.0096327670663593299), (899,
      0.0095787022523013028), (900, 0.0095782628522115137), (901, 0.0095778235125854681), (989,
      0.0095393967838690429), (990, 0.0095389627705025487), (995, 0.0095367935919024732), (996,
      0.009536359933734688), (997, 0.0095359263347195872), (998, 0.0095354927948437182), (999,
      0.009535059314093642), (1000, 0.0095346258924559231)]),
    (Schedule('inverse_sqrt', base_lr=0.01, total_steps=1000, warmup_steps=13,
              warmup_start_factor=0.1, timescale=17),
     [(0, 0.001), (1, 0.0016923076923076924), (6, 0.0051538461538461547), (7,
      0.0058461538461538464), (36, 0.0065192024052026492), (37, 0.0064392091621678473), (38,
      0.0063620901028035174), (100, 0.0040430377003132), (333, 0.002245998750168102), (500,
      0.0018365772167311322), (599, 0.0016790584110135528), (777, 0.0014753631901649595), (899,
      0.001372083638310904), (900, 0.0013713245325054633), (901, 0.0013705666852342625), (989,
      0.0013084280214098417), (990, 0.0013077696928039354), (995, 0.0013044928906290373), (996,
      0.00130384048104053), (997, 0.0013031890493330959), (998, 0.0013025385930663035), (999,
      0.001301889109808239), (1000, 0.0013012405971354669)]),
    (Schedule('polynomial', base_lr=0.05, total_steps=997, warmup_steps=11, min_lr_ratio=0.1,
              power=2.5),
     [(0, 0), (1, 0.0045454545454545461), (6, 0.027272727272727271), (7, 0.031818181818181822),
      (36, 0.047201578505645887), (37, 0.047091878587479319), (38, 0.046982349941601324), (100,
      0.040522320962810804), (333, 0.021747131283638421), (500, 0.013117292547846876), (599,
      0.009658304852844489), (777, 0.0060582223469403196), (899, 0.0051401475195507577), (900,
      0.0051365996422952885), (901, 0.0051331062073317058), (989, 0.0050002668364744233), (990,
      0.0050001911020414597), (995, 0.0050000083386398265), (996, 0.005000001474077192), (997,
      0.005000000000000001), (998, 0.005000000000000001), (999, 0.005000000000000001)]),
    (Schedule('onecycle', base_lr=0.1, total_steps=1000),
     [(0, 0.0040000000000000036), (1, 0.0040026495042167825), (6, 0.0040953514434777577), (7,
      0.0041297683871552304), (36, 0.0073930431586871851), (37, 0.0075817514756664657), (38,
      0.0077753633900110369), (100, 0.028145736144868982), (333, 0.099419025696828062), (500,
      0.080998810154017942), (599, 0.061126202193628937), (777, 0.02283111978701529), (899,
      0.0049519367986526289), (900, 0.0048550279129920592), (901, 0.0047590283421095258), (989,
      5.0746471547578794e-05), (990, 4.1181942572847475e-05), (995, 8.456571320676625e-06),
      (996, 4.9318746151830363e-06), (997, 2.4141833996794989e-06), (998, 9.03548385536996e-07),
      (999, 3.9999999999999998e-07), (1000, 3.9999999999999998e-07)]),
    (Schedule('onecycle', base_lr=0.1, total_steps=997, warmup_steps=20,
              warmup_start_factor=0.2, pct_start=0.27, anneal='linear', div_factor=10.0,
              final_div_factor=100.0, three_phase=True),
     [(0, 0.020000000000000004), (1, 0.024000000000000004), (6, 0.044000000000000011), (7,
      0.048000000000000008), (36, 0.015479660565470527), (37, 0.015822139350812437), (38,
      0.016164618136154343), (100, 0.037398302827352639), (333, 0.082804140187982822), (500,
      0.025610183035884172), (599, 0.008825855867856669), (777, 0.0049135073930997751), (899,
      0.0022320101238843745), (900, 0.0022100306380711337), (901, 0.0021880511522578932), (989,
      0.00025385640069268688), (990, 0.00023187691487944613), (995, 0.00012197948581324086),
      (996, 0.0001000000000000001), (997, 0.0001000000000000001), (998, 0.0001000000000000001),
      (999, 0.0001000000000000001)]),
    (Schedule('piecewise_constant', base_lr=0.1, total_steps=100, warmup_steps=5, milestones=(3,
              40, 77), factors=(0.5, 0.3, 3.0)),
     [(0, 0), (1, 0.020000000000000004), (6, 0.050000000000000003), (7, 0.050000000000000003),
      (36, 0.050000000000000003), (37, 0.050000000000000003), (38, 0.050000000000000003), (100,
      0.044999999999999998)]),
    (Schedule('tabulated', base_lr=0.1, total_steps=997, shape=(0.0, 0.3, 1.0, 0.9, 0.5, 0.1,
              0.0)),
     [(0, 0), (1, 0.00018072289156626507), (6, 0.0010843373493975904), (7,
      0.0012650602409638553), (36, 0.0065060240963855419), (37, 0.0066867469879518075), (38,
      0.0068674698795180723), (100, 0.018072289156626505), (333, 0.09993975903614459), (500,
      0.089518072289156633), (599, 0.065662650602409639), (777, 0.022771084337349413), (899,
      0.005843373493975906), (900, 0.005783132530120483), (901, 0.0057228915662650608), (989,
      0.00042168674698794817), (990, 0.00036144578313252601), (995, 6.0240963855422158e-05),
      (996, 0), (997, 0), (998, 0), (999, 0)]),
    (Schedule('step', base_lr=0.1, total_steps=100, warmup_steps=10, step_size=30),
     [(0, 0), (1, 0.010000000000000002), (6, 0.059999999999999998), (7, 0.069999999999999993),
      (36, 0.10000000000000001), (37, 0.10000000000000001), (38, 0.10000000000000001), (100,
      0.00010000000000000003)]),
    (Schedule('step', base_lr=0.2, total_steps=1000, step_size=7, gamma=0.9),
     [(0, 0.20000000000000001), (1, 0.20000000000000001), (6, 0.20000000000000001), (7,
      0.18000000000000002), (36, 0.11809800000000002), (37, 0.11809800000000002), (38,
      0.11809800000000002), (100, 0.04575358490992202), (333, 0.0014139300980302112), (500,
      0.00011278417467920367), (599, 2.5801401563402111e-05), (777, 1.6670496835796223e-06),
      (899, 2.7801690475429035e-07), (900, 2.7801690475429035e-07), (901,
      2.7801690475429035e-07), (989, 7.0668166989272915e-08), (990, 7.0668166989272915e-08),
      (995, 6.3601350290345623e-08), (996, 6.3601350290345623e-08), (997,
      6.3601350290345623e-08), (998, 6.3601350290345623e-08), (999, 6.3601350290345623e-08),
      (1000, 6.3601350290345623e-08)]),
]


class FakeOptimizer:
    """What TrialLR needs of an optimizer: param_groups with an "lr"."""

    def __init__(self, groups=1):
        self.param_groups = [{"lr": 123.0, "params": []} for _ in range(groups)]


def schedule(family, **fields):
    fields.setdefault("base_lr", 1.0)
    fields.setdefault("total_steps", 100)
    return Schedule(family, **fields)


class ScheduleVectorsTest(unittest.TestCase):
    """The spec's PyTorch / HF parity vectors, family by family."""

    def expect(self, sched, steps, expected):
        for step, want in zip(steps, expected, strict=True):
            got = sched.learning_rate(step)
            self.assertAlmostEqual(got, want, delta=SPEC_RELATIVE_TOLERANCE * abs(want) + 1e-15,
                                   msg=f"{sched.family} step {step}")

    def test_warmup_with_a_start_factor_is_pytorch_linear_lr(self):
        sched = schedule("constant", base_lr=0.05, warmup_steps=40, warmup_start_factor=0.05)
        self.expect(sched, [0, 1, 2, 3, 20, 40, 41, 99],
                    [0.0025, 0.0036875, 0.004875, 0.0060625, 0.02625, 0.05, 0.05, 0.05])

    def test_cosine_is_cosine_annealing_lr_and_holds_the_floor_past_t_max(self):
        sched = schedule("cosine", base_lr=0.1, total_steps=10)
        self.expect(sched, [0, 1, 5, 9, 10], [0.1, 0.0975528, 0.05, 0.00244717, 0.0])
        self.assertEqual(sched.learning_rate(15), 0.0)  # CosineAnnealingLR would be 0.05
        self.assertEqual(sched.learning_rate(20), 0.0)

    def test_warmup_then_cosine_is_sequential_lr_with_milestone_at_w(self):
        sched = schedule("cosine", base_lr=0.1, total_steps=15, warmup_steps=5,
                         warmup_start_factor=0.1)
        self.expect(sched, [0, 4, 5, 6, 10, 14, 15],
                    [0.01, 0.1 * (0.1 + 0.9 * 4 / 5), 0.1, 0.0975528, 0.05, 0.00244717, 0.0])

    def test_polynomial_is_polynomial_lr(self):
        sched = schedule("polynomial", base_lr=0.05, total_steps=50, power=0.9)
        self.expect(sched, [0, 1, 2, 50], [0.05, 0.0490991, 0.0481963, 0.0])

    def test_onecycle_is_onecycle_lr_in_its_three_variants(self):
        self.expect(schedule("onecycle", base_lr=0.1, total_steps=10), range(10),
                    [0.004, 0.052, 0.1, 0.0950485, 0.0811746, 0.0611262, 0.0388742, 0.0188258,
                     0.00495194, 4e-07])
        self.expect(schedule("onecycle", base_lr=0.1, total_steps=10, anneal="linear"),
                    range(10), [0.004, 0.052, 0.1, 0.0857143, 0.0714287, 0.057143, 0.0428574,
                                0.0285717, 0.0142861, 4e-07])
        self.expect(schedule("onecycle", base_lr=0.1, total_steps=10, anneal="linear",
                             three_phase=True), range(10),
                    [0.004, 0.052, 0.1, 0.052, 0.004, 0.00320008, 0.00240016, 0.00160024,
                     0.00080032, 4e-07])

    def test_onecycle_holds_its_last_value_past_the_horizon(self):
        sched = schedule("onecycle", base_lr=0.1, total_steps=10)
        self.assertEqual(sched.learning_rate(10), sched.learning_rate(9))
        self.assertEqual(sched.learning_rate(1000), sched.learning_rate(9))

    def test_piecewise_constant_is_multistep_lr(self):
        sched = schedule("piecewise_constant", base_lr=0.05, milestones=[30, 80],
                         factors=[0.1, 0.1])
        self.expect(sched, [0, 29, 30, 79, 80, 99], [0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005])

    def test_piecewise_constant_milestones_are_absolute_steps_across_the_warmup(self):
        sched = schedule("piecewise_constant", warmup_steps=10, milestones=[5, 40, 70],
                         factors=[0.5, 0.2, 3.0])
        self.assertEqual(sched.shape_at(5), 0.5)  # still warming up
        self.assertEqual(sched.shape_at(10), 0.5)  # milestone 5 has passed
        self.assertAlmostEqual(sched.shape_at(40), 0.1, delta=1e-16)
        self.assertAlmostEqual(sched.shape_at(100), 0.3, delta=1e-16)

    def test_step_is_step_lr_restarted_after_the_warmup(self):
        sched = schedule("step", base_lr=0.05, total_steps=90, step_size=30)  # gamma 0.1
        self.expect(sched, [0, 29, 30, 59, 60, 89], [0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005])
        warmed = schedule("step", base_lr=0.05, total_steps=100, warmup_steps=10, step_size=30,
                          gamma=0.5)
        self.expect(warmed, [0, 5, 10, 39, 40, 70, 100], [0.0, 0.025, 0.05, 0.05, 0.025,
                                                          0.0125, 0.00625])

    def test_hf_linear_wastes_the_first_update_and_reaches_zero_at_n(self):
        sched = schedule("linear", warmup_steps=10)
        self.expect(sched, [0, 5, 10, 55, 99, 100], [0.0, 0.5, 1.0, 0.5, 0.0111111, 0.0])

    def test_hf_cosine_with_and_without_min_lr(self):
        self.expect(schedule("cosine", warmup_steps=10), [0, 5, 10, 55, 99, 100],
                    [0.0, 0.5, 1.0, 0.5, 0.000304586, 0.0])
        floored = schedule("cosine", warmup_steps=10, min_lr_ratio=0.1)
        self.assertAlmostEqual(floored.learning_rate(55), 0.55, delta=1e-15)
        self.assertAlmostEqual(floored.learning_rate(99), 0.10027412784140691, delta=1e-15)
        self.assertEqual(floored.learning_rate(100), 0.1)

    def test_hf_polynomial_decay_with_lr_end(self):
        self.expect(schedule("polynomial", warmup_steps=10, min_lr_ratio=0.1, power=2.0),
                    [0, 5, 10, 55, 100], [0.0, 0.5, 1.0, 0.325, 0.1])

    def test_hf_inverse_sqrt_timescales(self):
        self.expect(schedule("inverse_sqrt", total_steps=1000, warmup_steps=4),
                    [0, 2, 4, 8, 16, 100], [0.0, 0.5, 1.0, 0.707107, 0.5, 0.2])
        self.expect(schedule("inverse_sqrt", total_steps=20000), [0, 10000], [1.0, 0.707107])
        self.expect(schedule("inverse_sqrt", total_steps=1000, warmup_steps=4, timescale=100),
                    [4, 304], [1.0, 0.5])

    def test_hf_wsd_decay_shapes(self):
        def wsd(shape, floor):
            return schedule("wsd", warmup_steps=10, cooldown_fraction=0.2, decay_shape=shape,
                            min_lr_ratio=floor, warmup_start_factor=floor)
        self.expect(wsd("linear", 0.0), [0, 5, 10, 79, 80, 90, 99, 100],
                    [0.0, 0.5, 1.0, 1.0, 1.0, 0.5, 0.05, 0.0])
        self.expect(wsd("1-sqrt", 0.0), [80, 85, 90, 99], [1.0, 0.5, 0.292893, 0.0253206])
        cosine = wsd("cosine", 0.1)
        self.assertAlmostEqual(cosine.learning_rate(95), 0.23180194846605365, delta=1e-15)
        self.assertEqual(cosine.learning_rate(100), 0.1)

    def test_wsd_cooldown_rounds_halves_away_from_zero(self):
        self.assertEqual(wsd_cooldown_steps(0.2, 100), 20)
        self.assertEqual(wsd_cooldown_steps(0.25, 10), 3)  # 2.5 -> 3 (Python's round(): 2)
        self.assertEqual(wsd_cooldown_steps(0.05, 10), 1)  # 0.5 -> 1
        self.assertEqual(wsd_cooldown_steps(0.04, 10), 0)
        self.assertEqual(wsd_cooldown_steps(0.0, 10), 0)
        self.assertEqual(wsd_cooldown_steps(1.0, 10), 10)
        self.assertEqual(wsd_cooldown_steps(float("nan"), 10), 0)
        sched = schedule("wsd", total_steps=10, cooldown_fraction=0.25)
        self.assertEqual(sched.shape_at(7), 1.0)  # D = 3: the decay starts from 1 at t = 7
        self.assertEqual(sched.shape_at(8), 1.0 - 1.0 / 3.0)

    def test_tabulated_interpolates_in_normalised_time(self):
        sched = schedule("tabulated", base_lr=2.0, total_steps=5, shape=[1, 0.75, 0.5, 0.25, 0])
        self.assertEqual(sched.learning_rates(), [2.0, 1.5, 1.0, 0.5, 0.0])
        longer = dataclasses.replace(sched, total_steps=9)
        self.assertEqual(longer.learning_rates(),
                         [2.0, 1.75, 1.5, 1.25, 1.0, 0.75, 0.5, 0.25, 0.0])
        self.assertEqual(longer.learning_rate(9), 0.0)
        self.assertEqual(dataclasses.replace(sched, total_steps=1).learning_rate(0), 2.0)
        refined = [0.133333, 0.29, 1, 0.84, 0.68, 0.52, 0.36, 0.2, 0.04, 0]
        grid = schedule("tabulated", total_steps=10, shape=refined)
        self.assertEqual([grid.shape_at(t) for t in range(10)], refined)


class SchedulePropertiesTest(unittest.TestCase):

    def decaying(self):
        for total in (1, 2, 7, 100, 1001):
            for warmup in sorted({0, 1, total // 10, total - 1}):
                if warmup >= total:
                    continue
                for start in (0.0, 0.05):
                    for floor in (0.0, 0.1, 1.0):
                        common = dict(base_lr=0.5, total_steps=total, warmup_steps=warmup,
                                      warmup_start_factor=start, min_lr_ratio=floor)
                        for family in ("linear", "cosine", "polynomial"):
                            yield Schedule(family, power=2.0, **common)
                        for shape in ("linear", "cosine", "one_minus_sqrt"):
                            if wsd_cooldown_steps(0.2, total) <= total - warmup:
                                yield Schedule("wsd", decay_shape=shape, **common)

    def test_warmup_reaches_the_peak_exactly_at_w_and_decay_reaches_the_floor_exactly_at_t(self):
        for sched in self.decaying():
            with self.subTest(sched=sched):
                w, total = sched.warmup_steps, sched.total_steps
                if w > 0:
                    self.assertEqual(sched.shape_at(0), sched.warmup_start_factor)
                    self.assertLess(sched.shape_at(w - 1), 1.0)
                self.assertEqual(sched.learning_rate(w), sched.base_lr)
                for t in range(w + 1, total + 1):
                    self.assertLessEqual(sched.shape_at(t), sched.shape_at(t - 1))
                self.assertEqual(sched.shape_at(total), sched.min_lr_ratio)

    def test_steps_outside_the_run_are_clamped(self):
        for sched in self.decaying():
            with self.subTest(sched=sched):
                self.assertEqual(sched.shape_at(-5), sched.shape_at(0))
                self.assertEqual(sched.shape_at(2**63 - 1), sched.shape_at(sched.total_steps))


class CppParityTest(unittest.TestCase):

    def test_every_family_reproduces_the_cpp_library_bit_for_bit(self):
        families = set()
        for sched, values in CPP_GOLDEN:
            families.add(sched.family)
            for step, want in values:
                self.assertEqual(sched.learning_rate(step), want,
                                 f"{sched.family} step {step} differs from the C++ library")
        self.assertEqual(families, set(hyperd.schedule.FAMILIES))


class ScheduleConversionTest(unittest.TestCase):

    def test_unset_optional_fields_read_as_the_server_defaults(self):
        sched = Schedule.from_proto(pb.Schedule(base_lr=0.1, total_steps=10))
        self.assertEqual(sched.family, "linear")  # FAMILY_UNSPECIFIED
        self.assertEqual((sched.cooldown_fraction, sched.decay_shape, sched.power), (0.2, "linear",
                                                                                      1.0))
        self.assertEqual((sched.pct_start, sched.anneal, sched.div_factor,
                          sched.final_div_factor), (0.3, "cos", 25.0, 1e4))
        self.assertEqual(sched.gamma, 0.1)
        explicit_zero = pb.Schedule(family=pb.Schedule.WSD, base_lr=1, total_steps=10)
        explicit_zero.wsd.cooldown_fraction = 0.0  # set: no cooldown, not the default 0.2
        self.assertEqual(Schedule.from_proto(explicit_zero).cooldown_fraction, 0.0)

    def test_every_family_survives_a_round_trip_through_the_message(self):
        for sched, _ in CPP_GOLDEN:
            with self.subTest(family=sched.family):
                self.assertEqual(Schedule.from_proto(sched.to_proto()), sched)

    def test_dicts_take_enum_names_in_any_case_and_flat_family_parameters(self):
        nested = Schedule.from_dict({"family": "WSD", "base_lr": 0.1, "total_steps": 1000,
                                     "wsd": {"cooldown_fraction": 0.1, "decay_shape": "1-sqrt"}})
        flat = Schedule.from_dict({"family": "wsd", "baseLr": 0.1, "total_steps": 1000,
                                   "cooldown_fraction": 0.1, "decay_shape": "one_minus_sqrt"})
        self.assertEqual(nested, flat)
        self.assertEqual(nested, Schedule("wsd", base_lr=0.1, total_steps=1000,
                                          cooldown_fraction=0.1, decay_shape="ONE_MINUS_SQRT"))
        self.assertEqual(hyperd.learning_rate_at(nested.to_proto(), 950),
                         hyperd.learning_rate_at({"family": "wsd", "base_lr": 0.1,
                                                  "total_steps": 1000, "cooldown_fraction": 0.1,
                                                  "decay_shape": "1-sqrt"}, 950))

    def test_unknown_fields_and_families_are_refused_by_name(self):
        with self.assertRaisesRegex(ValueError, "warmup"):
            schedule_to_proto({"family": "linear", "warmup": 3})
        with self.assertRaisesRegex(ValueError, "family 'exponential' is unknown"):
            Schedule("exponential")
        with self.assertRaisesRegex(ValueError, "decay_shape"):
            Schedule("wsd", decay_shape="square")

    def test_study_schedule_spec_from_a_dict(self):
        spec = schedule_spec_to_proto({
            "schedule": {"family": "WSD", "base_lr": 0.1, "total_steps": 1000},
            "parameter_fields": {"lr": "base_lr", "shape": "family"},
            "refine": {"enabled": True, "norm": "l1_adam", "filter_fraction": 0.2},
            "online": {"rule": "hypergradient", "hypergradient_beta": 1e-3}})
        self.assertEqual(spec.schedule.family, pb.Schedule.WSD)
        self.assertEqual(dict(spec.parameter_fields), {"lr": "base_lr", "shape": "family"})
        self.assertTrue(spec.refine.enabled)
        self.assertEqual(spec.refine.norm, pb.L1_ADAM)
        self.assertEqual(spec.refine.filter_fraction, 0.2)
        self.assertEqual(spec.online.rule, pb.OnlineSettings.HYPERGRADIENT)
        bare = schedule_spec_to_proto({"family": "cosine", "base_lr": 0.1, "total_steps": 10})
        self.assertEqual(bare.schedule.family, pb.Schedule.COSINE)
        self.assertEqual(schedule_spec_to_proto(schedule("step", step_size=3)).schedule.step
                         .step_size, 3)
        with self.assertRaisesRegex(ValueError, "refine"):
            schedule_spec_to_proto({"refine": {"enable": True}})


class TrialLRTest(unittest.TestCase):

    def test_sets_every_group_at_construction_and_after_each_step(self):
        sched = schedule("linear", base_lr=0.2, total_steps=10, warmup_steps=3)
        optimizer = FakeOptimizer(groups=2)
        scheduler = hyperd.TrialLR(optimizer, sched, group_multipliers=[1.0, 10.0])
        seen = []
        for _ in range(12):
            seen.append([group["lr"] for group in optimizer.param_groups])
            self.assertEqual(scheduler.get_last_lr(), seen[-1])
            scheduler.step()
        expected = sched.learning_rates(12)
        self.assertEqual([lrs[0] for lrs in seen], expected)
        self.assertEqual([lrs[1] for lrs in seen], [10.0 * lr for lr in expected])
        self.assertEqual(scheduler.last_epoch, 12)

    def test_follows_a_trial_schedule_and_its_replies(self):
        trial = make_trial(schedule("cosine", base_lr=0.1, total_steps=20))
        optimizer = FakeOptimizer()
        scheduler = hyperd.TrialLR(optimizer, trial)
        for _ in range(5):
            scheduler.step()
        # REREFINE: a new schedule from step 8; steps before it keep the old one.
        new = schedule("linear", base_lr=0.05, total_steps=20, effective_from_step=8)
        trial.report(5, 1.0)  # the fake server replies with `new`
        self.assertEqual(trial.schedule, new)
        self.assertEqual(optimizer.param_groups[0]["lr"], trial.study.first.learning_rate(5))
        self.assertEqual(scheduler.learning_rate(7), trial.study.first.learning_rate(7))
        self.assertEqual(scheduler.learning_rate(8), new.learning_rate(8))
        for _ in range(3):
            scheduler.step()
        self.assertEqual(optimizer.param_groups[0]["lr"], new.learning_rate(8))

    def test_next_learning_rate_holds_from_the_step_after_the_last_reported_one(self):
        sched = schedule("constant", base_lr=0.1, total_steps=100)
        optimizer = FakeOptimizer()
        scheduler = hyperd.TrialLR(optimizer, sched)
        for _ in range(10):
            scheduler.step()
        reply = pb.ReportStepsResponse(accepted=8, schedule=sched.to_proto(),
                                       next_learning_rate=0.11)
        self.assertTrue(scheduler.apply_reply(reply, last_reported_step=7))
        self.assertFalse(scheduler.apply_reply(reply, last_reported_step=7))  # nothing new
        self.assertEqual(scheduler.learning_rate(8), 0.11)
        self.assertEqual(optimizer.param_groups[0]["lr"], 0.11)  # step 10 is past 8
        self.assertEqual(scheduler.learning_rate(7), 0.1)
        scheduler.step()
        self.assertEqual(scheduler.get_last_lr(), [0.11])
        replaced = dataclasses.replace(sched, base_lr=0.3, effective_from_step=20)
        scheduler.set_schedule(replaced)
        self.assertEqual(scheduler.learning_rate(19), 0.11)
        self.assertEqual(scheduler.learning_rate(20), 0.3)

    def test_state_dict_resumes_exactly(self):
        sched = schedule("wsd", base_lr=0.1, total_steps=50, warmup_steps=5)
        first = hyperd.TrialLR(FakeOptimizer(), sched)
        for _ in range(20):
            first.step()
        first.set_learning_rate(0.07, from_step=15)
        first.set_schedule(dataclasses.replace(sched, family="linear", effective_from_step=30))
        state = first.state_dict()
        resumed = hyperd.TrialLR(FakeOptimizer(), sched)
        resumed.load_state_dict(state)
        self.assertEqual(resumed.last_epoch, 20)
        self.assertEqual(resumed.get_last_lr(), first.get_last_lr())
        for _ in range(40):
            first.step()
            resumed.step()
            self.assertEqual(resumed.get_last_lr(), first.get_last_lr())
        with self.assertRaisesRegex(ValueError, "version"):
            resumed.load_state_dict({"last_epoch": 3})

    def test_step_records_the_finished_update_through_the_reporter(self):
        trial = make_trial(schedule("linear", base_lr=0.1, total_steps=10))
        reporter = hyperd.StepReporter(trial, every=4, seconds=None)
        scheduler = hyperd.TrialLR(FakeOptimizer(), trial, reporter=reporter)
        for t in range(6):
            scheduler.step(loss=1.0 / (t + 1), grad_norm_l2=2.0, grad_norm_l1=3.0)
        reporter.close()
        sent = [s for request in trial.study.client.requests for s in request.steps]
        self.assertEqual([s.step for s in sent], list(range(6)))
        self.assertEqual([s.lr_applied for s in sent],
                         [trial.schedule.learning_rate(t) for t in range(6)])
        self.assertEqual(sent[2].loss, 1.0 / 3)
        self.assertFalse(sent[0].HasField("hd_dot"))

    def test_refuses_what_it_cannot_drive(self):
        with self.assertRaisesRegex(TypeError, "param_groups"):
            hyperd.TrialLR(object(), schedule("linear"))
        with self.assertRaisesRegex(ValueError, "without one"):
            hyperd.TrialLR(FakeOptimizer(), make_trial(None))
        with self.assertRaisesRegex(ValueError, "group_multipliers"):
            hyperd.TrialLR(FakeOptimizer(2), schedule("linear"), group_multipliers=[1.0])

    @unittest.skipIf(torch is None, "torch is not installed")
    def test_with_torch_it_is_a_torch_lr_scheduler_driving_a_real_optimizer(self):
        from torch.optim import lr_scheduler
        base = getattr(lr_scheduler, "LRScheduler", None) or lr_scheduler._LRScheduler
        model = torch.nn.Linear(3, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
        sched = schedule("onecycle", base_lr=0.1, total_steps=10)
        scheduler = hyperd.TrialLR(optimizer, sched)
        self.assertIsInstance(scheduler, base)
        self.assertIsInstance(scheduler, hyperd.TrialLR)
        for t in range(10):
            self.assertEqual(optimizer.param_groups[0]["lr"], sched.learning_rate(t))
            model(torch.ones(2, 3)).sum().backward()
            optimizer.step()
            scheduler.step()
        self.assertEqual(scheduler.state_dict()["last_epoch"], 10)


class FakeClient:
    """Answers ReportSteps like the server (duplicate steps acknowledged) and ReportMeasurement
    with a scripted schedule; `failures` raises those errors on the next calls first."""

    client_id = "worker-1"

    def __init__(self, reply_schedule=None):
        self.requests = []
        self.seen = set()
        self.failures = []
        self.reply_schedule = reply_schedule
        self.should_stop = False

    def call(self, method, request):
        if self.failures:
            raise self.failures.pop(0)
        if method == "ReportMeasurement":
            reply = pb.ReportMeasurementResponse()
            if self.reply_schedule is not None:
                reply.schedule.CopyFrom(self.reply_schedule.to_proto())
            return reply
        assert method == "ReportSteps", method
        self.requests.append(request)
        steps = [s.step for s in request.steps]
        assert steps == sorted(set(steps)), steps  # the server requires strictly increasing
        new = [t for t in steps if t not in self.seen]
        self.seen.update(steps)
        return pb.ReportStepsResponse(accepted=len(new), duplicates=len(steps) - len(new),
                                      should_stop=self.should_stop)


class FakeStudy:

    def __init__(self, first, reply_schedule):
        self.first = first
        self.client = FakeClient(reply_schedule)
        self.objective_metric = "loss"


def make_trial(first, reply_schedule=None):
    """A hyperd.Trial held by FakeClient's worker with schedule `first` (None: no schedule);
    ReportMeasurement replies carry reply_schedule (default: a linear schedule from step 8)."""
    if reply_schedule is None and first is not None:
        reply_schedule = schedule("linear", base_lr=0.05, total_steps=first.total_steps,
                                  effective_from_step=8)
    proto = pb.Trial(name="studies/s/trials/0", state=pb.Trial.ACTIVE, client_id="worker-1")
    if first is not None:
        proto.schedule.CopyFrom(first.to_proto())
    return hyperd.Trial(FakeStudy(first, reply_schedule), proto)


class FakeClock:

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class StepReporterTest(unittest.TestCase):

    def setUp(self):
        self.trial = make_trial(schedule("constant", base_lr=0.1, total_steps=1000))
        self.client = self.trial.study.client

    def test_sends_a_batch_every_k_steps(self):
        reporter = hyperd.StepReporter(self.trial, every=3, seconds=None)
        replies = [reporter.record(t, lr_applied=0.1, grad_norm_l2=1.0) for t in range(7)]
        self.assertEqual([r is not None for r in replies], [False, False, True] * 2 + [False])
        self.assertEqual([[s.step for s in r.steps] for r in self.client.requests],
                         [[0, 1, 2], [3, 4, 5]])
        self.assertEqual(reporter.pending, 1)
        reporter.close()
        self.assertEqual((reporter.accepted, reporter.duplicates, reporter.batches), (7, 0, 3))
        self.assertEqual(self.client.requests[0].client_id, "worker-1")

    def test_sends_when_the_oldest_record_is_s_seconds_old(self):
        clock = FakeClock()
        reporter = hyperd.StepReporter(self.trial, every=50, seconds=10, clock=clock)
        self.assertIsNone(reporter.record(0, lr_applied=0.1))
        clock.now = 9.9
        self.assertIsNone(reporter.record(1, lr_applied=0.1))
        clock.now = 10.0
        self.assertIsNotNone(reporter.record(2, lr_applied=0.1))
        clock.now = 15.0
        self.assertIsNone(reporter.record(3, lr_applied=0.1))  # the clock restarts per batch
        self.assertEqual(len(self.client.requests), 1)

    def test_a_failed_batch_is_kept_and_resent_and_duplicates_are_counted(self):
        reporter = hyperd.StepReporter(self.trial, every=2, seconds=None)
        self.client.failures.append(errors.UnavailableError("down", method="ReportSteps"))
        with self.assertLogs("hyperd", "WARNING"):
            self.assertIsNone(reporter.record(0, lr_applied=0.1))
            self.assertIsNone(reporter.record(1, lr_applied=0.1))
        self.assertEqual(reporter.pending, 2)
        reporter.record(2, lr_applied=0.1)
        self.assertEqual([s.step for s in self.client.requests[-1].steps], [0, 1, 2])
        # A retry of steps the server has (e.g. a lost reply) is acknowledged as duplicates.
        reporter.every = 10
        reporter.record(1, lr_applied=0.1)
        reporter.record(3, lr_applied=0.1)
        reporter.record(3, lr_applied=0.2)  # the first record of a step wins
        reporter.flush()
        self.assertEqual([s.lr_applied for s in self.client.requests[-1].steps], [0.1, 0.1])
        self.assertEqual((reporter.accepted, reporter.duplicates), (4, 1))

    def test_close_raises_when_the_queue_cannot_be_sent_and_permanent_errors_propagate(self):
        reporter = hyperd.StepReporter(self.trial, every=10, seconds=None)
        reporter.record(0, lr_applied=0.1)
        self.client.failures.append(errors.DeadlineExceededError("slow"))
        with self.assertLogs("hyperd", "WARNING"), self.assertRaises(errors.UnavailableError):
            reporter.close()
        self.client.failures.append(errors.FailedPreconditionError("trial finished"))
        with self.assertRaises(errors.FailedPreconditionError):
            reporter.flush()
        self.assertEqual(reporter.pending, 1)

    def test_large_queues_go_out_in_calls_the_server_accepts(self):
        reporter = hyperd.StepReporter(self.trial, every=10**6, seconds=None)
        limit = step_reporter_module.MAX_STEPS_PER_CALL
        for t in range(limit + 5):
            reporter.record(t, lr_applied=0.1)
        reporter.flush()
        self.assertEqual([len(r.steps) for r in self.client.requests], [limit, 5])

    def test_replies_reach_the_trial_and_its_scheduler_once(self):
        scheduler = hyperd.TrialLR(FakeOptimizer(), self.trial)
        reporter = hyperd.StepReporter(self.trial, every=2, seconds=None, scheduler=scheduler)
        applied = []
        original = scheduler.apply_reply
        self.trial.remove_reply_listener(original)
        self.trial.add_reply_listener(lambda reply, **kw: applied.append(kw) or original(reply,
                                                                                        **kw))
        self.client.should_stop = True
        reporter.record(0, grad_norm_l2=1.0)  # lr_applied from the scheduler
        reporter.record(1, grad_norm_l2=1.0)
        self.assertEqual(applied, [{"last_reported_step": 1}])
        self.assertTrue(reporter.should_stop)
        self.assertTrue(self.trial.stop_requested)
        self.assertEqual(self.client.requests[0].steps[0].lr_applied, 0.1)

    def test_rejects_bad_settings_and_records(self):
        with self.assertRaisesRegex(ValueError, "every"):
            hyperd.StepReporter(self.trial, every=0)
        with self.assertRaisesRegex(ValueError, "seconds"):
            hyperd.StepReporter(self.trial, seconds=0)
        reporter = hyperd.StepReporter(self.trial)
        with self.assertRaisesRegex(ValueError, "lr_applied"):
            reporter.record(0)
        with self.assertRaisesRegex(TypeError, "step"):
            reporter.record(-1, lr_applied=0.1)


@unittest.skipIf(torch is None, "torch is not installed")
class TorchHelpersTest(unittest.TestCase):

    def test_gradient_norms_are_global_over_parameters(self):
        a = torch.nn.Parameter(torch.zeros(2))
        b = torch.nn.Parameter(torch.zeros(1))
        unused = torch.nn.Parameter(torch.zeros(3))
        a.grad = torch.tensor([3.0, -4.0])
        b.grad = torch.tensor([12.0])
        l2, l1 = hyperd.gradient_norms([a, b, unused])
        self.assertAlmostEqual(l2, 13.0, places=12)
        self.assertAlmostEqual(l1, 19.0, places=12)
        self.assertEqual(hyperd.gradient_norms([unused]), (0.0, 0.0))

    def test_hypergradient_dot_is_the_spec_vector(self):
        # Spec §5: g = [1,0], [1,1], [-1,0] without momentum -> h = 0, 1, -1.
        w = torch.nn.Parameter(torch.zeros(2))
        optimizer = torch.optim.SGD([w], lr=0.1)
        hd = hyperd.HypergradientDot(optimizer)
        hs = []
        for g in ([1.0, 0.0], [1.0, 1.0], [-1.0, 0.0]):
            w.grad = torch.tensor(g)
            hs.append(hd())
            optimizer.step()
        self.assertEqual(hs, [0.0, 1.0, -1.0])
        alpha = [0.1]
        for h in hs[1:]:
            alpha.append(alpha[-1] + 0.01 * h)
        self.assertEqual([round(a, 12) for a in alpha], [0.1, 0.11, 0.1])

    def test_hypergradient_dot_uses_the_momentum_buffer(self):
        w = torch.nn.Parameter(torch.zeros(2))
        optimizer = torch.optim.SGD([w], lr=0.1, momentum=0.5)
        hd = hyperd.HypergradientDot(optimizer)
        w.grad = torch.tensor([1.0, 0.0])
        self.assertEqual(hd(), 0.0)
        optimizer.step()  # buffer = g = [1, 0]
        w.grad = torch.tensor([1.0, 1.0])
        self.assertEqual(hd(), 1.0)
        optimizer.step()  # buffer = 0.5 * [1, 0] + [1, 1] = [1.5, 1]
        w.grad = torch.tensor([2.0, 1.0])
        self.assertEqual(hd(), 4.0)


if __name__ == "__main__":
    unittest.main()
