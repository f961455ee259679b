// A keyed pseudo-random permutation of [0, n), evaluated one index at a time without storing it,
// so a shuffled grid of a million points costs no memory.
//
// A keyed bijection of [0, 2^b) with 2^b >= n is applied repeatedly until the result falls below n
// ("cycle walking", J. Black and P. Rogaway, "Ciphers with arbitrary finite domains", CT-RSA 2002):
// the walk stays inside the cycle of the start index, so it ends, after fewer than 2 steps on
// average since 2^b < 2n. The bijection is four rounds of invertible steps on b-bit words
// (add a key, multiply by an odd key, xor-shift right).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_INDEX_PERMUTATION_H_
#define HYPERD_ALGORITHMS_SAMPLERS_INDEX_PERMUTATION_H_

#include <array>
#include <cstdint>

namespace hyperd::algorithms {

class IndexPermutation {
 public:
  IndexPermutation(uint64_t n, uint64_t key);

  // The image of i; requires i < n. Distinct i give distinct results in [0, n).
  uint64_t operator()(uint64_t i) const;

 private:
  static constexpr int kRounds = 4;

  uint64_t Scramble(uint64_t x) const;  // the bijection of [0, 2^bits_)

  uint64_t n_;
  int bits_ = 0;
  uint64_t mask_ = 0;
  std::array<uint64_t, kRounds> add_keys_{};
  std::array<uint64_t, kRounds> odd_keys_{};
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_INDEX_PERMUTATION_H_
