// The random variates of the bandit policies, drawn from one SplitMix64 stream: uniform,
// Bernoulli, standard normal (Marsaglia's polar method), Gamma (Marsaglia & Tsang 2000) and Beta
// (a ratio of Gammas). Built only on +, *, /, sqrt and log of the stream's bits, so a seed gives
// the same draws on every platform whose libm rounds log correctly (glibc does).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_RANDOM_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_RANDOM_H_

#include <cstdint>

#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms {

class BanditRandom {
 public:
  explicit BanditRandom(uint64_t seed) : bits_(seed) {}

  // Uniform on [0, 1), a multiple of 2^-53.
  double Uniform();
  // 1 with probability p (p in [0, 1]), else 0: exactly 0 for p = 0 and 1 for p = 1.
  int Bernoulli(double p);
  double StandardNormal();
  // Gamma(shape, rate 1), shape > 0.
  double Gamma(double shape);
  // log of a Gamma(shape, 1) draw; stays finite for tiny shapes where the draw itself underflows.
  double LogGamma(double shape);
  // Beta(a, b), a, b > 0.
  double Beta(double a, double b);

 private:
  // Marsaglia-Tsang for shape >= 1.
  double GammaAtLeastOne(double shape);

  SplitMix64 bits_;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_RANDOM_H_
