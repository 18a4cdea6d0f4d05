// Layouts: enumeration of every valid and every maximal set of GPU instances on one GPU.
//
// A layout is a set of GIs with placements that could all exist at once (geometry.h rules). It is
// maximal when no GI of the chosen building-block profiles can be added. The per-GPU space is tiny
// (hundreds of layouts), so a plain depth-first search over placements in (start, profile) order
// enumerates each set exactly once.
#ifndef MIGKIT_CORE_LAYOUTS_H_
#define MIGKIT_CORE_LAYOUTS_H_

#include <string>
#include <utility>
#include <vector>

#include "core/geometry.h"
#include "core/gpu_model.h"

namespace migkit {

/// A set of placed GIs, ordered by placement start.
using Layout = std::vector<PlacedProfile>;

struct LayoutOptions {
  /// Profile IDs to build layouts from. Empty means the model's base profiles (BaseProfileIds).
  std::vector<int> profile_ids;
  /// Pairs of profile IDs that may not coexist, on top of the model's rules. Drivers before R510
  /// refused 3g + 4g together on A100 (mig-facts.md §4.1); passing that pair reproduces the classic
  /// count of 18 maximal A100 layouts that MISO and SPCL enumerate (scheduling.md §4.1).
  std::vector<std::pair<int, int>> forbidden_pairs;
};

struct LayoutEnumeration {
  std::vector<Layout> valid;    // every non-empty valid layout
  std::vector<Layout> maximal;  // the valid layouts to which no building block can be added
};

/// The model's base profiles: those without a +me / -me / +me.all / +gfx variant suffix, i.e. the
/// ones layouts and planners reason about (a "+me" GI is a 1g with media engines attached).
std::vector<int> BaseProfileIds(const GpuModel& model);

/// Enumerates layouts. Profile IDs unknown to the model are ignored.
LayoutEnumeration EnumerateLayouts(const GpuModel& model, const LayoutOptions& options = {});

/// The layout's profiles as a sorted multiset string: "3g.40gb + 2g.20gb + 1g.10gb x2" (largest
/// first).
std::string DescribeProfiles(const Layout& layout);

/// "1g.10gb@0:1 1g.10gb@1:1 ...", ordered by start.
std::string DescribePlacements(const Layout& layout);

}  // namespace migkit

#endif  // MIGKIT_CORE_LAYOUTS_H_
