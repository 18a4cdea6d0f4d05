// Compute-instance profiles of a GPU instance.
//
// NVML offers no query for "which CI profiles does a GI of profile P admit" without a live GI, and
// the facts have full -lcip tables only for a few A100 GIs (mig-facts.md §5). Every observed table
// follows go-nvlib's rule, so it is applied to all models here rather than copied per model:
//   * a CI of C slices exists in a GI of G slices iff C == G or 2C <= G + 1;
//   * CI placements (UNCONFIRMED beyond the A100 tables; consistent with NVIDIA's mocks) start at
//     multiples of the smallest power of two >= C, and must end within the GI;
//   * so the instance count is the number of such starts (3g: 1c x3, 2c x1; 7g: 3c x2, ...);
//   * SMs are the GI's SMs scaled by C/G (exact on every A100 table; DERIVED elsewhere);
//   * a double-memory 1g GI (NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2) offers its one compute slice
//     as two CI profiles: 7 (1_SLICE_REV1), the default that `-cgi 15 -C` creates on H100 and GH200
//     (§5, T6, T10), and 0 (1_SLICE), which go-nvlib (mig-parted, the GPU operator) and NVIDIA's
//     DRA driver create there and which real GPUs accept (issue 8). Both sit at 0:1, so they share
//     the slot: the GI holds one or the other.
#include <algorithm>
#include <bit>

#include "core/gpu_model.h"
#include "core/nvml_constants.h"

namespace migkit {
namespace {

int CiProfileIdForSlices(int slices) {
  switch (slices) {
    case 1:
      return kCiProfile1Slice;
    case 2:
      return kCiProfile2Slice;
    case 3:
      return kCiProfile3Slice;
    case 4:
      return kCiProfile4Slice;
    case 6:
      return kCiProfile6Slice;
    case 7:
      return kCiProfile7Slice;
    case 8:
      return kCiProfile8Slice;
  }
  return -1;
}

}  // namespace

std::vector<CiProfile> GpuModel::ComputeProfilesFor(const GiProfile& gi) const {
  std::vector<CiProfile> out;
  const int g = gi.slices;
  for (int c = 1; c <= g; ++c) {
    if (!(c == g || 2 * c <= g + 1)) continue;
    const int id = CiProfileIdForSlices(c);
    if (id < 0) continue;
    CiProfile ci;
    ci.id = id;
    ci.slices = c;
    ci.gi_slices = g;
    ci.multiprocessors = gi.multiprocessors * c / g;
    ci.name = (c == g) ? gi.name : std::to_string(c) + "c." + gi.name;
    const int align = static_cast<int>(std::bit_ceil(static_cast<unsigned>(c)));
    for (int start = 0; start + c <= g; start += align) ci.placement_starts.push_back(start);
    ci.instance_count = static_cast<int>(ci.placement_starts.size());
    ci.is_default = (c == g);
    if (c == 1 && gi.nvml_index == kGiProfile1SliceRev2) {
      CiProfile rev1 = ci;  // the default; 1_SLICE stays offered beside it
      rev1.id = kCiProfile1SliceRev1;
      ci.is_default = false;
      out.push_back(std::move(rev1));
    }
    out.push_back(std::move(ci));
  }
  std::sort(out.begin(), out.end(),
            [](const CiProfile& a, const CiProfile& b) { return a.id < b.id; });
  return out;
}

}  // namespace migkit
