// PlaceInOrder: the one backtracking search that places instances one by one, used for GPU
// instances on a GPU (core/geometry.cc PlaceGpuInstances) and compute instances in a GPU instance
// (config/fit.cc PlaceComputeInstances).
//
// The spaces are tiny (at most 7 GPU instances on 8 or 12 placement units, at most 8 compute
// instances in a GI), so plain backtracking finds a placement whenever one exists.
#ifndef MIGKIT_CORE_PLACEMENT_SEARCH_H_
#define MIGKIT_CORE_PLACEMENT_SEARCH_H_

#include <cstddef>
#include <vector>

#include "core/placement.h"

namespace migkit {

/// Places items 0..n-1 in the order `order` (a permutation of them). Item i tries the placements
/// `candidates(i)` returns, in that order; `place(i, p)` places it if it may go there and says
/// whether it did, `unplace(i)` takes it back. When `same(i, j)` (the two are interchangeable)
/// for consecutive items j then i of `order`, i only tries starts after j's, so that no
/// permutation of equal items is searched twice. True, with `(*result)[i]` item i's placement,
/// when every item is placed.
template <typename Candidates, typename Place, typename Unplace, typename Same>
bool PlaceInOrder(const std::vector<size_t>& order, Candidates candidates, Place place,
                  Unplace unplace, Same same, std::vector<Placement>* result) {
  result->resize(order.size());
  auto recurse = [&](auto& self, size_t k) -> bool {
    if (k == order.size()) return true;
    const size_t i = order[k];
    int min_start = -1;
    if (k > 0 && same(i, order[k - 1])) min_start = (*result)[order[k - 1]].start;
    for (const Placement& p : candidates(i)) {
      if (p.start <= min_start || !place(i, p)) continue;
      (*result)[i] = p;
      if (self(self, k + 1)) return true;
      unplace(i);
    }
    return false;
  };
  return recurse(recurse, 0);
}

}  // namespace migkit

#endif  // MIGKIT_CORE_PLACEMENT_SEARCH_H_
