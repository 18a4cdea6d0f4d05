// Placement: where a GPU instance sits on a GPU's placement axis.
//
// NVML expresses a GI placement as {start, size} in memory-slice units (nvmlGpuInstancePlacement_t,
// mig-facts.md §1). RTX PRO 6000 uses a 12-unit axis instead (§3.12); the model's
// `placement_units` says which. Two GIs may never share a unit.
#ifndef MIGKIT_CORE_PLACEMENT_H_
#define MIGKIT_CORE_PLACEMENT_H_

#include <cstdint>
#include <string>

namespace migkit {

/// A bitmask of occupied placement units: bit u set means unit u is taken. 32 bits hold every
/// supported axis (at most 12 units).
using Occupancy = std::uint32_t;

struct Placement {
  int start = 0;
  int size = 0;

  /// The units this placement covers; 0 for a placement that fits no axis (negative start, empty
  /// or wider than 32 units), so that such input can never alias a real one.
  Occupancy Mask() const {
    if (size <= 0 || start < 0 || start + size > 32) return 0u;
    return (size == 32 ? ~Occupancy{0} : ((Occupancy{1} << size) - 1u)) << start;
  }
  bool Overlaps(Occupancy occupied) const { return (Mask() & occupied) != 0; }
  /// "start:size", as nvidia-smi prints placements.
  std::string ToString() const { return std::to_string(start) + ":" + std::to_string(size); }

  friend bool operator==(const Placement&, const Placement&) = default;
  friend auto operator<=>(const Placement&, const Placement&) = default;
};

}  // namespace migkit

#endif  // MIGKIT_CORE_PLACEMENT_H_
