#include "config/export.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/mig_profile.h"
#include "config/target.h"
#include "core/strings.h"

namespace migkit {
namespace {

// The MIG devices of one GPU, smallest first, as (canonical name, count).
std::vector<std::pair<std::string, int>> Devices(const GpuInfo& gpu) {
  struct Item {
    int gi_slices;
    std::uint64_t memory;
    int ci_slices;
    std::string name;
    int count;
  };
  std::vector<Item> items;
  for (const auto& [key, n] : CountsOf(*gpu.model, gpu.state)) {
    const GiProfile* gi = gpu.model->FindProfileById(key.first);
    if (gi == nullptr) continue;  // a snapshot never holds an unknown profile
    int ci_slices = 0;
    for (const CiProfile& ci : gpu.model->ComputeProfilesFor(*gi)) {
      if (ci.id == key.second) ci_slices = ci.slices;
    }
    items.push_back(
        {gi->slices, gi->memory_mib, ci_slices, FormatMigDevice(*gpu.model, *gi, key.second), n});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.gi_slices != b.gi_slices) return a.gi_slices < b.gi_slices;
    if (a.memory != b.memory) return a.memory < b.memory;
    if (a.ci_slices != b.ci_slices) return a.ci_slices < b.ci_slices;
    return a.name < b.name;
  });
  std::vector<std::pair<std::string, int>> out;
  for (const Item& i : items) out.emplace_back(i.name, i.count);
  return out;
}

// YAML needs quotes for none of our names, but a key such as "1g.10gb+me" reads better quoted, as
// the GPU operator writes them.
std::string Key(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

std::vector<ExportedEntry> ExportEntries(const std::vector<GpuInfo>& gpus) {
  std::vector<ExportedEntry> out;
  for (const GpuInfo& gpu : gpus) {
    const bool enabled = gpu.state.mig_current;
    std::vector<std::pair<std::string, int>> devices = enabled ? Devices(gpu) : decltype(devices){};
    std::vector<std::string> warnings;
    if (enabled) {
      for (const GpuInstance& gi : gpu.state.gpu_instances) {
        if (!gi.compute_instances.empty()) continue;
        const GiProfile* p = gpu.model->FindProfileById(gi.profile_id);
        warnings.push_back("GPU " + std::to_string(gpu.index) + ": GPU instance " +
                           std::to_string(gi.id) + " (" + (p ? p->name : "?") +
                           ") holds no compute instance and is not exported");
      }
    }
    auto same = std::find_if(out.begin(), out.end(), [&](const ExportedEntry& e) {
      return e.mig_enabled == enabled && e.mig_devices == devices;
    });
    if (same == out.end()) {
      ExportedEntry e;
      e.mig_enabled = enabled;
      e.mig_devices = devices;
      out.push_back(std::move(e));
      same = out.end() - 1;
    }
    same->devices.push_back(gpu.index);
    same->warnings.insert(same->warnings.end(), warnings.begin(), warnings.end());
  }
  if (out.size() == 1) out.front().all_devices = true;
  return out;
}

std::string ExportYaml(const std::vector<ExportedEntry>& entries, std::string_view name) {
  std::string y = "version: v1\nmig-configs:\n  " + std::string(name) + ":\n";
  for (const ExportedEntry& e : entries) {
    for (const std::string& w : e.warnings) y += "    # " + w + "\n";
    y += "    - devices: " +
         (e.all_devices ? std::string("all") : "[" + Join(e.devices, ", ") + "]") + "\n";
    y += std::string("      mig-enabled: ") + (e.mig_enabled ? "true" : "false") + "\n";
    if (!e.mig_enabled) continue;
    if (e.mig_devices.empty()) {
      y += "      mig-devices: {}\n";
      continue;
    }
    y += "      mig-devices:\n";
    for (const auto& [profile, count] : e.mig_devices) {
      y += "        " + Key(profile) + ": " + std::to_string(count) + "\n";
    }
  }
  return y;
}

std::string ExportJson(const std::vector<ExportedEntry>& entries, std::string_view name) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ExportedEntry& e : entries) {
    nlohmann::ordered_json j;
    if (e.all_devices)
      j["devices"] = "all";
    else
      j["devices"] = e.devices;
    j["mig-enabled"] = e.mig_enabled;
    if (e.mig_enabled) {
      nlohmann::ordered_json devices = nlohmann::ordered_json::object();
      for (const auto& [profile, count] : e.mig_devices) devices[profile] = count;
      j["mig-devices"] = devices;
    }
    list.push_back(j);
  }
  nlohmann::ordered_json root;
  root["version"] = "v1";
  root["mig-configs"][std::string(name)] = list;
  return root.dump(2) + "\n";
}

}  // namespace migkit
