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
  std::stable_sort(flat.begin(), flat.end(), [](const MigDeviceProfile* a, const MigDeviceProfile* b) {
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

DeviceCounts CountsOf(const GpuState& state) {
  DeviceCounts out;
  if (!state.mig_current) return out;
  for (const GpuInstance& gi : state.gpu_instances) {
    for (const ComputeInstance& ci : gi.compute_instances) ++out[{gi.profile_id, ci.profile_id}];
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
  return CountsOf(state) == target.Counts();
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
