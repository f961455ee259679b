#include "algorithms/importance/random_index.h"

#include <cstdint>

namespace hyperd::algorithms {

uint64_t UniformIndex(SplitMix64& bits, uint64_t n) {
  // The high word of draw * n is uniform on [0, n) once the low word avoids the first
  // (2^64 mod n) values, which would otherwise be hit once more than the rest.
  unsigned __int128 product = static_cast<unsigned __int128>(bits.Next()) * n;
  uint64_t low = static_cast<uint64_t>(product);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      product = static_cast<unsigned __int128>(bits.Next()) * n;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

}  // namespace hyperd::algorithms
