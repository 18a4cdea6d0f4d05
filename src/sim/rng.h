// The simulator's one source of randomness: a seeded 64-bit Mersenne Twister. Every run with the
// same seed makes the same draws in the same order, on every platform (std::mt19937_64's output is
// fixed by the standard; the distributions are not, so we do not use them).
#ifndef MIGKIT_SIM_RNG_H_
#define MIGKIT_SIM_RNG_H_

#include <cstdint>
#include <random>

namespace migkit::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  /// A uniform draw from [0, n). REQUIRES: n > 0. The modulo bias is below 2^-40 for the sizes
  /// used here (n < 2^24).
  uint64_t Below(uint64_t n) { return engine_() % n; }
  /// A uniform draw from [0, 1).
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_RNG_H_
