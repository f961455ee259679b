#include "algorithms/schedulers/bracket_table.h"

#include <cstdint>
#include <vector>

#include "absl/numeric/int128.h"
#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms {
namespace {

// ceil(part·2^64 / total) for 0 < part <= total < 2^127, by binary long division: part·2^64
// itself would not fit in 128 bits once part exceeds 2^64 (huge R/r with eta = 2).
absl::uint128 CeilScaledTo2To64(absl::uint128 part, absl::uint128 total) {
  if (part == total) return absl::uint128(1) << 64;
  absl::uint128 quotient = 0;
  absl::uint128 remainder = part;  // < total, so the shift below cannot overflow
  for (int bit = 0; bit < 64; ++bit) {
    remainder <<= 1;
    quotient <<= 1;
    if (remainder >= total) {
      remainder -= total;
      quotient |= 1;
    }
  }
  return remainder == 0 ? quotient : quotient + 1;
}

}  // namespace

BracketTable::BracketTable(int64_t min_resource, int64_t max_resource, int reduction_factor)
    : min_resource_(min_resource),
      max_resource_(max_resource),
      reduction_factor_(reduction_factor) {
  // Pitfall P1: an integer loop, never floor(log(R/r)/log(eta)). step·eta <= R is tested as
  // step <= R/eta so the product never overflows.
  for (int64_t step = min_resource_; step <= max_resource_ / reduction_factor_;
       step *= reduction_factor_) {
    ++s_max_;
  }
  absl::uint128 total = 0;
  for (int bracket = 0; bracket <= s_max_; ++bracket) {
    const int s = s_max_ - bracket;
    absl::uint128 eta_to_s = 1;
    for (int i = 0; i < s; ++i) eta_to_s *= static_cast<uint64_t>(reduction_factor_);
    // (s_max+1)·eta^s < 64·2^63: no overflow in 128 bits.
    const absl::uint128 numerator = static_cast<uint64_t>(s_max_ + 1) * eta_to_s;
    const uint64_t denominator = static_cast<uint64_t>(s + 1);
    const absl::uint128 weight = (numerator + denominator - 1) / denominator;
    weights_.push_back(absl::Uint128Low64(weight));
    total += weight;
  }
  absl::uint128 cumulative = 0;
  for (uint64_t weight : weights_) {
    cumulative += weight;
    thresholds_.push_back(CeilScaledTo2To64(cumulative, total));
  }
}

std::vector<uint64_t> BracketTable::SurvivorsPerRung(int bracket) const {
  std::vector<uint64_t> survivors;
  uint64_t n = weights_[bracket];
  for (int i = 0; i <= s_max_ - bracket; ++i) {
    survivors.push_back(n);
    n /=
        static_cast<uint64_t>(reduction_factor_);  // floor(floor(n/eta^i)/eta) = floor(n/eta^(i+1))
  }
  return survivors;
}

std::vector<int64_t> BracketTable::RungSteps(int bracket) const {
  std::vector<int64_t> steps;
  int64_t step = min_resource_;
  for (int i = 0; i < bracket; ++i) step *= reduction_factor_;
  for (int k = 0; k <= s_max_ - bracket; ++k) {
    steps.push_back(step);
    if (k < s_max_ - bracket) step *= reduction_factor_;  // stays <= R by the choice of s_max
  }
  return steps;
}

std::vector<int64_t> BracketTable::DecisionRungSteps(int bracket) const {
  std::vector<int64_t> steps = RungSteps(bracket);
  steps.pop_back();
  return steps;
}

int BracketTable::AssignBracket(uint64_t bracket_seed, int64_t trial_number) const {
  const absl::uint128 hash = Mix64(bracket_seed ^ static_cast<uint64_t>(trial_number));
  for (int bracket = 0; bracket < s_max_; ++bracket) {
    if (hash < thresholds_[bracket]) return bracket;
  }
  return s_max_;  // its threshold is 2^64, above every hash
}

}  // namespace hyperd::algorithms
