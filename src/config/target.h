// GpuTarget: what a config wants on one GPU, resolved against that GPU's model.
//
// A config lists MIG devices (compute instances); the GPU needs GPU instances to hold them. The
// grouping follows mig-parted (ecosystem.md §2.1, pkg/mig/config): devices are taken largest first
// (GI slices, then CI slices, then name), and a device whose GI profile equals the previous one's
// joins that GI while it fits, else opens a new GI. So "1c.3g.40gb: 4" is two 3g.40gb GIs holding
// three and one 1-slice CIs, "3g.40gb: 2" is two GIs with one full CI each, and
// "2c.3g.40gb: 1, 1c.3g.40gb: 1" is one GI holding both.
//
// Whether a GPU "has" a config is decided on MIG devices alone, as mig-parted's assert does: the
// multiset of (GI profile, CI profile) of its compute instances equals the config's. GIs that hold
// no CI are invisible to the format (mig-parted counts CIs), so a GPU holding one does not match.
#ifndef MIGKIT_CONFIG_TARGET_H_
#define MIGKIT_CONFIG_TARGET_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/mig_profile.h"
#include "core/gpu_model.h"
#include "core/gpu_state.h"

namespace migkit {

/// One resolved `mig-devices` item.
struct MigDeviceCount {
  MigDeviceProfile profile;
  int count = 0;
  int line = 0;  // line of the item in the config file (0 when not from a file)
};

/// A GPU instance to have: its profile and the CI profiles inside it (largest first).
struct GiTemplate {
  const GiProfile* profile = nullptr;
  std::vector<CiProfile> cis;
};

/// (GI profile ID, CI profile ID) -> number of MIG devices.
using DeviceCounts = std::map<std::pair<int, int>, int>;

struct GpuTarget {
  int gpu = 0;  // GPU index
  const GpuModel* model = nullptr;
  bool mig_enabled = false;
  std::vector<MigDeviceCount> devices;  // the config's items with count > 0
  std::vector<GiTemplate> gis;          // the devices grouped into GIs (PackMigDevices)
  int entry_line = 0;                   // line of the config entry that selected this GPU

  DeviceCounts Counts() const;
};

/// Groups `devices` into GIs as mig-parted does (see the file comment).
std::vector<GiTemplate> PackMigDevices(const GpuModel& model,
                                       const std::vector<MigDeviceCount>& devices);

/// The MIG devices a GPU holds now (empty when MIG is not in effect), keyed as a config's are:
/// CI profiles that are the same MIG device (1_SLICE and 1_SLICE_REV1 in a double-memory 1g GI)
/// count as the default one.
DeviceCounts CountsOf(const GpuModel& model, const GpuState& state);

/// True when a GPU in `state` has what `target` asks for: the same MIG mode (current and not
/// pending a change) and, with MIG on, exactly the same MIG devices.
bool Satisfies(const GpuState& state, const GpuTarget& target);

/// "1g.10gb x2, 3g.40gb" for messages; "no MIG devices" when empty.
std::string DescribeCounts(const GpuModel& model, const DeviceCounts& counts);

}  // namespace migkit

#endif  // MIGKIT_CONFIG_TARGET_H_
