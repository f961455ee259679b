#include "algorithms/samplers/random_bits.h"

#include <cstdint>

namespace hyperd::algorithms {
namespace {
constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio, odd
}  // namespace

uint64_t Mix64(uint64_t x) {
  x += kGoldenGamma;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t MixSeed(uint64_t seed, uint64_t stream) { return Mix64(Mix64(seed) ^ Mix64(stream)); }

uint64_t SplitMix64::Next() {
  const uint64_t draw = Mix64(state_);
  state_ += kGoldenGamma;
  return draw;
}

double UnitDoubleFromBits(uint64_t bits) {
  constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
  return static_cast<double>(bits >> 11) * kTwoToMinus53;
}

}  // namespace hyperd::algorithms
