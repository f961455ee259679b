#include "algorithms/optimization/lbfgs_b.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Extended Rosenbrock: sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimum 0 at (1, ..., 1).
double Rosenbrock(const Eigen::VectorXd& x, Eigen::VectorXd* g) {
  double f = 0;
  g->setZero();
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i + 1] - x[i] * x[i];
    const double b = 1 - x[i];
    f += 100 * a * a + b * b;
    (*g)[i] += -400 * a * x[i] - 2 * b;
    (*g)[i + 1] += 200 * a;
  }
  return f;
}

BoxBounds Unbounded(int n) {
  return {Eigen::VectorXd::Constant(n, -kInf), Eigen::VectorXd::Constant(n, kInf)};
}

Eigen::VectorXd RosenbrockStart(int n) {
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) x[i] = i % 2 == 0 ? -1.2 : 1.0;
  return x;
}

TEST(LbfgsB, MinimizesUnconstrainedRosenbrockIn2D) {
  const LbfgsResult r = MinimizeWithLbfgsB(Rosenbrock, RosenbrockStart(2), Unbounded(2));
  EXPECT_TRUE(r.converged);
  EXPECT_NEAR(r.x[0], 1, 1e-4);
  EXPECT_NEAR(r.x[1], 1, 1e-4);
  EXPECT_LT(r.value, 1e-9);
  EXPECT_LT(r.iterations, 100);
  EXPECT_GE(r.evaluations, r.iterations);
}

TEST(LbfgsB, MinimizesUnconstrainedRosenbrockIn10D) {
  LbfgsOptions options;
  options.max_iterations = 500;
  const LbfgsResult r = MinimizeWithLbfgsB(Rosenbrock, RosenbrockStart(10), Unbounded(10), options);
  EXPECT_TRUE(r.converged);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(r.x[i], 1, 1e-4) << i;
  EXPECT_LT(r.value, 1e-9);
}

TEST(LbfgsB, StopsOnTheBoundWhenTheRosenbrockOptimumIsOutsideTheBox) {
  // x in [-2, 0.5] x [-2, 2]: the constrained minimum is on the face x0 = 0.5, at x1 = 0.25
  // (d/dx1 = 0 gives x1 = x0^2), with gradient in x0 pointing outward (negative).
  BoxBounds bounds{Eigen::Vector2d(-2, -2), Eigen::Vector2d(0.5, 2)};
  const LbfgsResult r = MinimizeWithLbfgsB(Rosenbrock, RosenbrockStart(2), bounds);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.x[0], 0.5);
  EXPECT_NEAR(r.x[1], 0.25, 1e-5);
  EXPECT_NEAR(r.value, 0.25, 1e-9);
}

TEST(LbfgsB, Bounded10DRosenbrockHitsItsActiveBoundsExactly) {
  // Upper bound 0.7 on every odd coordinate cuts the unconstrained optimum (1, ..., 1).
  const int n = 10;
  BoxBounds bounds = Unbounded(n);
  for (int i = 1; i < n; i += 2) bounds.upper[i] = 0.7;
  LbfgsOptions options;
  options.max_iterations = 1000;
  options.projected_gradient_tolerance = 1e-7;
  options.relative_function_tolerance = 0;  // stop on the projected gradient only
  const LbfgsResult r = MinimizeWithLbfgsB(Rosenbrock, RosenbrockStart(n), bounds, options);
  EXPECT_TRUE(r.converged);
  Eigen::VectorXd g(n);
  Rosenbrock(r.x, &g);
  for (int i = 0; i < n; ++i) {
    EXPECT_LE(r.x[i], bounds.upper[i]);
    if (r.x[i] == bounds.upper[i]) {
      EXPECT_LE(g[i], 1e-7) << "the gradient must push outward at an active upper bound " << i;
    } else {
      EXPECT_NEAR(g[i], 0, 1e-5) << "free coordinate " << i;
    }
  }
  // The bound is binding for the odd coordinates.
  int active = 0;
  for (int i = 1; i < n; i += 2) active += r.x[i] == 0.7;
  EXPECT_GE(active, 1);
}

TEST(LbfgsB, QuadraticWithOptimumOutsideTheBoxLandsExactlyOnTheActiveBounds) {
  // f = sum_i c_i (x_i - t_i)^2 with the targets t outside [0, 1] in dims 0 and 2, inside in 1, 3.
  const Eigen::Vector4d target(-0.5, 0.3, 2.0, 0.9);
  const Eigen::Vector4d curvature(1, 10, 0.1, 3);
  auto f = [&](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    const Eigen::VectorXd d = x - target;
    *g = 2 * curvature.cwiseProduct(d);
    return d.dot(curvature.cwiseProduct(d));
  };
  BoxBounds bounds{Eigen::Vector4d::Zero(), Eigen::Vector4d::Ones()};
  const LbfgsResult r = MinimizeWithLbfgsB(f, Eigen::Vector4d(0.5, 0.5, 0.5, 0.5), bounds);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.x[0], 0.0);
  EXPECT_EQ(r.x[2], 1.0);
  EXPECT_NEAR(r.x[1], 0.3, 1e-6);
  EXPECT_NEAR(r.x[3], 0.9, 1e-6);
}

TEST(LbfgsB, ProjectsAStartingPointOutsideTheBox) {
  auto f = [](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    *g = 2 * x;
    return x.squaredNorm();
  };
  BoxBounds bounds{Eigen::Vector2d(1, -3), Eigen::Vector2d(2, 3)};
  const LbfgsResult r = MinimizeWithLbfgsB(f, Eigen::Vector2d(-5, 10), bounds);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.x[0], 1.0);
  EXPECT_NEAR(r.x[1], 0, 1e-6);
}

TEST(LbfgsB, BacktracksOutOfRegionsWhereTheFunctionIsNotFinite) {
  // f = sum_i x_i - log(x_i), minimum at (1, 1); NaN for x0 <= 0 and +inf for x1 <= 0. From far
  // out the curvature is tiny, so the secant steps overshoot past 0 and must be shortened.
  int nan_calls = 0, inf_calls = 0;
  auto f = [&](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    if (x[0] <= 0) {
      ++nan_calls;
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (x[1] <= 0) {
      ++inf_calls;
      g->setZero();
      return kInf;
    }
    *g = (1 - x.array().inverse()).matrix();
    return (x.array() - x.array().log()).sum();
  };
  const LbfgsResult r = MinimizeWithLbfgsB(f, Eigen::Vector2d(10, 20), Unbounded(2));
  EXPECT_GT(nan_calls + inf_calls, 0);
  EXPECT_TRUE(r.converged);
  EXPECT_NEAR(r.value, 2, 1e-9);
  EXPECT_NEAR(r.x[0], 1, 1e-5);
  EXPECT_NEAR(r.x[1], 1, 1e-5);
}

TEST(LbfgsB, ReportsNotConvergedWhenTheIterationLimitIsReached) {
  LbfgsOptions options;
  options.max_iterations = 5;
  const LbfgsResult r = MinimizeWithLbfgsB(Rosenbrock, RosenbrockStart(10), Unbounded(10), options);
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.iterations, 5);
  Eigen::VectorXd g(10);
  EXPECT_LT(r.value, Rosenbrock(RosenbrockStart(10), &g));
}

TEST(LbfgsB, RespectsTheEvaluationLimit) {
  LbfgsOptions options;
  options.max_evaluations = 7;
  const LbfgsResult r = MinimizeWithLbfgsB(Rosenbrock, RosenbrockStart(10), Unbounded(10), options);
  EXPECT_FALSE(r.converged);
  EXPECT_LE(r.evaluations, 7);
}

TEST(LbfgsB, IsBitForBitDeterministic) {
  BoxBounds bounds = Unbounded(10);
  bounds.lower.setConstant(-0.5);
  const LbfgsResult a = MinimizeWithLbfgsB(Rosenbrock, RosenbrockStart(10), bounds);
  const LbfgsResult b = MinimizeWithLbfgsB(Rosenbrock, RosenbrockStart(10), bounds);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.iterations, b.iterations);
  EXPECT_EQ(a.evaluations, b.evaluations);
}

TEST(LbfgsB, ReturnsTheStartWhenTheFunctionIsNotFiniteThere) {
  auto f = [](const Eigen::VectorXd&, Eigen::VectorXd* g) {
    g->setZero();
    return std::numeric_limits<double>::quiet_NaN();
  };
  const LbfgsResult r = MinimizeWithLbfgsB(f, Eigen::Vector2d(0.25, 0.5), Unbounded(2));
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.x, Eigen::Vector2d(0.25, 0.5));
  EXPECT_EQ(r.evaluations, 1);
}

TEST(LbfgsB, HandlesAFixedVariableAndZeroDimensions) {
  auto f = [](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    *g = 2 * (x.array() - 3).matrix();
    return (x.array() - 3).square().sum();
  };
  BoxBounds bounds{Eigen::Vector2d(0.5, -10), Eigen::Vector2d(0.5, 10)};  // x0 fixed at 0.5
  const LbfgsResult r = MinimizeWithLbfgsB(f, Eigen::Vector2d(0, 0), bounds);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.x[0], 0.5);
  EXPECT_NEAR(r.x[1], 3, 1e-6);

  const LbfgsResult empty = MinimizeWithLbfgsB(f, Eigen::VectorXd(0), Unbounded(0));
  EXPECT_TRUE(empty.converged);
  EXPECT_EQ(empty.value, 0);
}

}  // namespace
}  // namespace hyperd::algorithms
