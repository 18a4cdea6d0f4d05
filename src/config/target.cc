#include "config/target.h"

#include <algorithm>

#include "config/fit.h"
#include "core/strings.h"

namespace migkit {

DeviceCounts GpuTarget::Counts() const {
  DeviceCounts out;
  for (const MigDeviceCount& d : devices) {
    if (d.count > 0) out[{d.profile.gi->id, d.profile.ci.id}] += d.count;
  }
  return out;
}

std::vector<GiTemplate> PackMigDevices(const GpuModel& /*model*/,
                                       const std::vector<MigDeviceCount>& devices) {
  std::vector<const MigDeviceProfile*> flat;
  for (const MigDeviceCount& d : devices) {
    for (int i = 0; i < d.count; ++i) flat.push_back(&d.profile);
  }
  std::stable_sort(flat.begin(), flat.end(),
                   [](const MigDeviceProfile* a, const MigDeviceProfile* b) {
                     if (a->gi->slices != b->gi->slices) return a->gi->slices > b->gi->slices;
                     if (a->ci.slices != b->ci.slices) return a->ci.slices > b->ci.slices;
                     if (a->gi->name != b->gi->name) return a->gi->name < b->gi->name;
                     return a->ci.name < b->ci.name;
                   });
  std::vector<GiTemplate> out;
  for (const MigDeviceProfile* d : flat) {
    if (!out.empty() && out.back().profile->id == d->gi->id) {
      GiTemplate& last = out.back();
      GpuInstance probe;
      probe.profile_id = last.profile->id;
      std::vector<CiProfile> all = last.cis;
      all.push_back(d->ci);
      if (PlaceComputeInstances(probe, all).has_value()) {
        last.cis.push_back(d->ci);
        continue;
      }
    }
    out.push_back(GiTemplate{d->gi, {d->ci}});
  }
  return out;
}

namespace {

// The CI profile a config names for `ci_profile_id` in a GI of `gi_profile_id`: the default among
// the CI profiles of the same size. A double-memory 1g GI offers 1-slice CIs as profile 0 (what
// go-nvlib creates) and 7 (what -C creates); both are the MIG device "1g.20gb" to mig-parted, so a
// config applied by either tool must assert and export the same.
int ConfigCiProfileId(const GpuModel& model, int gi_profile_id, int ci_profile_id) {
  const GiProfile* gi = model.FindProfileById(gi_profile_id);
  if (gi == nullptr) return ci_profile_id;
  const std::vector<CiProfile> cis = model.ComputeProfilesFor(*gi);
  int slices = -1;
  for (const CiProfile& ci : cis) {
    if (ci.id == ci_profile_id) slices = ci.slices;
  }
  for (const CiProfile& ci : cis) {
    if (ci.slices == slices && ci.is_default) return ci.id;
  }
  return ci_profile_id;
}

}  // namespace

DeviceCounts CountsOf(const GpuModel& model, const GpuState& state) {
  DeviceCounts out;
  if (!state.mig_current) return out;
  for (const GpuInstance& gi : state.gpu_instances) {
    for (const ComputeInstance& ci : gi.compute_instances) {
      ++out[{gi.profile_id, ConfigCiProfileId(model, gi.profile_id, ci.profile_id)}];
    }
  }
  return out;
}

bool Satisfies(const GpuState& state, const GpuTarget& target) {
  if (state.mig_current != target.mig_enabled || state.mig_pending != target.mig_enabled) {
    return false;
  }
  if (!target.mig_enabled) return true;
  for (const GpuInstance& gi : state.gpu_instances) {
    if (gi.compute_instances.empty()) return false;
  }
  return CountsOf(*target.model, state) == target.Counts();
}

std::string DescribeCounts(const GpuModel& model, const DeviceCounts& counts) {
  if (counts.empty()) return "no MIG devices";
  // Smallest first, as configs list them: GI slices, GI memory, then CI slices.
  struct Item {
    int gi_slices;
    std::uint64_t memory;
    int ci_slices;
    std::string text;
  };
  std::vector<Item> items;
  for (const auto& [key, n] : counts) {
    const GiProfile* gi = model.FindProfileById(key.first);
    Item item{0, 0, 0, ""};
    std::string name = "GI profile " + std::to_string(key.first);
    if (gi != nullptr) {
      name = FormatMigDevice(model, *gi, key.second);
      item.gi_slices = gi->slices;
      item.memory = gi->memory_mib;
      for (const CiProfile& ci : model.ComputeProfilesFor(*gi)) {
        if (ci.id == key.second) item.ci_slices = ci.slices;
      }
    }
    item.text = n == 1 ? name : name + " x" + std::to_string(n);
    items.push_back(std::move(item));
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.gi_slices != b.gi_slices) return a.gi_slices < b.gi_slices;
    if (a.memory != b.memory) return a.memory < b.memory;
    return a.ci_slices < b.ci_slices;
  });
  std::vector<std::string> parts;
  for (const Item& i : items) parts.push_back(i.text);
  return Join(parts, ", ");
}

}  // namespace migkit
