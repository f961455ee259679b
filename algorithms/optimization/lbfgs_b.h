// Box-constrained limited-memory BFGS ("L-BFGS-B" in spirit): minimise a smooth function subject to
// lower <= x <= upper.
//
//   BoxBounds bounds{Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(2)};
//   LbfgsResult r = MinimizeWithLbfgsB(
//       [](const Eigen::VectorXd& x, Eigen::VectorXd* g) { *g = 2 * x; return x.squaredNorm(); },
//       x0, bounds);
//
// Algorithm (a projected-quasi-Newton method in the style of Bertsekas' projected Newton and
// Kim-Sra-Dhillon's "Tackling box-constrained optimization via a new projected quasi-Newton
// approach", SIAM J. Sci. Comput. 32(6) 2010; simpler than Byrd-Lu-Nocedal-Zhu's generalized
// Cauchy point, with the same fixed points):
//   1. Active set A = { i : x_i at a bound and the gradient pushes outward }, using a tolerance
//      of 1e-10 * (1 + |bound|) to decide "at a bound".
//   2. Search direction d: on the free variables F (not in A), the two-loop recursion over the
//      last `history` curvature pairs (s, y) restricted to F, scaled by gamma = s'y / y'y of the
//      newest pair; on A, d = 0. If d is not a descent direction (g'd >= 0), fall back to -g on F.
//   3. Line search along the projected path x(t) = P(x + t d): Armijo backtracking (c1 = 1e-4,
//      halving, at most 30 trials) with the sufficient-decrease test f(x(t)) <= f(x) + c1 g'(x(t) - x).
//      The first trial step is t = 1 (t = min(1, 1/||g||_inf) on the first iteration, where no
//      curvature is known). A non-finite objective value or gradient counts as a failed trial:
//      the step is shortened, never accepted.
//   4. The pair (s, y) = (x+ - x, g+ - g) joins the history only when s'y > 1e-10 * y'y (keeps the
//      implicit Hessian positive definite); a failed line search clears the history and retries
//      once along -g before giving up.
// Stops when ||P(x - g) - x||_inf <= projected_gradient_tolerance (converged), when an accepted step
// decreases f by less than relative_function_tolerance * max(|f|, 1) (converged), when a steepest-
// descent line search fails (not converged; the best point so far is returned), or after
// max_iterations iterations (not converged).
//
// Deterministic: the same inputs give bit-identical results. Thread-compatible (no shared state).
// Allocation happens once per call, not per iteration.
#ifndef HYPERD_ALGORITHMS_OPTIMIZATION_LBFGS_B_H_
#define HYPERD_ALGORITHMS_OPTIMIZATION_LBFGS_B_H_

#include <functional>

#include "Eigen/Core"

namespace hyperd::algorithms {

// lower[i] <= upper[i]; either may be infinite. Sizes equal the problem dimension.
struct BoxBounds {
  Eigen::VectorXd lower, upper;
};

struct LbfgsOptions {
  int max_iterations = 200;
  // Number of (s, y) curvature pairs kept.
  int history = 10;
  // Converged when ||P(x - g) - x||_inf <= this (P: projection onto the box).
  double projected_gradient_tolerance = 1e-5;
  // Converged when an accepted step decreases f by less than this times max(|f|, 1).
  double relative_function_tolerance = 1e-10;
  // Hard cap on objective evaluations (line-search trials included); <= 0 means no cap.
  int max_evaluations = 0;
};

struct LbfgsResult {
  // The best point found (inside the box) and its value. When no finite value was ever seen,
  // x is the projected x0 and value is f(projected x0) as returned.
  Eigen::VectorXd x;
  double value = 0;
  int iterations = 0;
  int evaluations = 0;
  bool converged = false;
};

// Returns the value at x and writes the gradient into *gradient (already sized to x's size).
// May return NaN or +-inf where the function is undefined; such points are never accepted.
using DifferentiableFunction =
    std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd* gradient)>;

// Minimises f over the box. x0 is projected into the box first. Requires x0.size() ==
// bounds.lower.size() == bounds.upper.size() and lower <= upper elementwise (checked with
// assertions in debug builds; a caller bug otherwise). A zero-dimensional problem returns f(x0)
// with converged = true.
LbfgsResult MinimizeWithLbfgsB(const DifferentiableFunction& f, Eigen::VectorXd x0,
                               const BoxBounds& bounds, const LbfgsOptions& options = {});

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_OPTIMIZATION_LBFGS_B_H_
