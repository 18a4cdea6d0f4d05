#include "core/gpu_model.h"

#include <algorithm>

#include "core/strings.h"

namespace migkit {

bool GiProfile::IsUnconfirmed(const std::string& field) const {
  return std::find(unconfirmed.begin(), unconfirmed.end(), field) != unconfirmed.end();
}

bool GpuModel::IsUnconfirmed(const std::string& field) const {
  return std::find(unconfirmed.begin(), unconfirmed.end(), field) != unconfirmed.end();
}

const GiProfile* GpuModel::FindProfileById(int profile_id) const {
  for (const GiProfile& p : gi_profiles) {
    if (p.id == profile_id) return &p;
  }
  return nullptr;
}

const GiProfile* GpuModel::FindProfileByIndex(int nvml_index) const {
  for (const GiProfile& p : gi_profiles) {
    if (p.nvml_index == nvml_index) return &p;
  }
  return nullptr;
}

const GiProfile* GpuModel::FindProfileByName(const std::string& name) const {
  std::string wanted = ToLower(Trim(name));
  // nvidia-smi accepts the long form "MIG 3g.40gb" as well as "3g.40gb" (mig-facts.md §8).
  if (wanted.rfind("mig ", 0) == 0) wanted = Trim(wanted.substr(4));
  for (const GiProfile& p : gi_profiles) {
    if (ToLower(p.name) == wanted) return &p;
  }
  return nullptr;
}

const GiProfile* GpuModel::FullProfile() const {
  const GiProfile* best = nullptr;
  for (const GiProfile& p : gi_profiles) {
    if (p.placement_size == placement_units &&
        (best == nullptr || p.nvml_index < best->nvml_index)) {
      best = &p;
    }
  }
  return best;
}

}  // namespace migkit
