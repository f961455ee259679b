#include "algorithms/samplers/index_permutation.h"

#include <cstdint>

#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms {

IndexPermutation::IndexPermutation(uint64_t n, uint64_t key) : n_(n) {
  while (bits_ < 64 && (uint64_t{1} << bits_) < n) ++bits_;
  mask_ = bits_ == 64 ? ~uint64_t{0} : (uint64_t{1} << bits_) - 1;
  for (int r = 0; r < kRounds; ++r) {
    add_keys_[r] = MixSeed(key, 2 * r);
    odd_keys_[r] = MixSeed(key, 2 * r + 1) | 1;
  }
}

uint64_t IndexPermutation::Scramble(uint64_t x) const {
  // Each step is a bijection of b-bit words: adding a constant and multiplying by an odd number
  // modulo 2^b, and x ^ (x >> s) with s >= 1 (its top s bits are unchanged, so it inverts
  // top-down). The multiply carries low bits upwards and the xor-shift brings high bits down.
  const int shift = bits_ / 2 + 1;
  for (int r = 0; r < kRounds; ++r) {
    x = (x + add_keys_[r]) & mask_;
    x = (x * odd_keys_[r]) & mask_;
    x ^= x >> shift;
  }
  return x;
}

uint64_t IndexPermutation::operator()(uint64_t i) const {
  if (n_ <= 1) return 0;
  uint64_t x = Scramble(i);
  while (x >= n_) x = Scramble(x);
  return x;
}

}  // namespace hyperd::algorithms
