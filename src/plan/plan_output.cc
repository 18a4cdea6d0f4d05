#include "plan/plan_output.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "core/strings.h"

namespace migkit {
namespace {

// Profile name -> count, largest profile first (the order DescribeProfiles uses).
std::vector<std::pair<std::string, int>> ProfileCounts(const GpuPlan& gpu) {
  std::map<std::tuple<int, int, std::string>, int, std::greater<>> counts;
  for (const PlannedInstance& i : gpu.instances) {
    ++counts[{i.profile->placement_size, i.profile->slices, i.profile->name}];
  }
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [key, n] : counts) out.push_back({std::get<2>(key), n});
  return out;
}

std::string DescribeCounts(const GpuPlan& gpu) {
  std::vector<std::string> parts;
  for (const auto& [name, n] : ProfileCounts(gpu)) {
    parts.push_back(n == 1 ? name : name + " x" + std::to_string(n));
  }
  return parts.empty() ? "(unused)" : Join(parts, " + ");
}

std::string PciId(std::uint32_t id) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08X", id);
  return buf;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string Percent(int part, int whole) {
  return whole <= 0 ? "0%" : Fixed(100.0 * part / whole, 1) + "%";
}

std::string Range(int first, int last) {
  return first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
}

}  // namespace

std::vector<std::string> ConfigNames(const Fleet& fleet, const ConfigOptions& options) {
  if (options.gpus_per_node <= 0) return {options.name};
  std::vector<std::string> names;
  const int n = static_cast<int>(fleet.gpus.size());
  for (int node = 0; node * options.gpus_per_node < n; ++node) {
    names.push_back(options.name + "-node" + std::to_string(node));
  }
  return names;
}

std::string ToMigPartedConfig(const Fleet& fleet, const FleetPlan& plan,
                              const ConfigOptions& options) {
  std::ostringstream out;
  out << "# Written by migctl plan for fleet " << fleet.ToString() << ".\n";
  out << "# " << plan.gpus_used << " GPUs used, lower bound " << plan.lower_bound << ", "
      << plan.unmet_total << " instances unmet.\n";
  if (options.gpus_per_node > 0) {
    out << "# One config per node of " << options.gpus_per_node
        << " GPUs; fleet GPU i is device i % " << options.gpus_per_node << " of node i / "
        << options.gpus_per_node << ".\n";
  }
  out << "version: v1\nmig-configs:\n";
  const int n = static_cast<int>(plan.gpus.size());
  const int per_node = options.gpus_per_node > 0 ? options.gpus_per_node : std::max(n, 1);
  const std::vector<std::string> names = ConfigNames(fleet, options);
  for (size_t node = 0; node < names.size(); ++node) {
    const int first = static_cast<int>(node) * per_node;
    const int last = std::min(n, first + per_node);
    std::set<const GpuModel*> models;
    for (int i = first; i < last; ++i) models.insert(fleet.gpus[i].model);
    // Entries: (model, layout description) -> devices, in order of first device.
    std::vector<std::tuple<const GpuModel*, std::string, std::vector<int>, const GpuPlan*>> entries;
    for (int i = first; i < last; ++i) {
      const GpuPlan& gpu = plan.gpus[i];
      if (!gpu.used() && options.unused == UnusedGpus::kOmit) continue;
      const std::string key =
          gpu.used() || options.unused == UnusedGpus::kEmpty ? DescribeCounts(gpu) : "(disabled)";
      auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) {
        return std::get<0>(e) == gpu.model && std::get<1>(e) == key;
      });
      if (it == entries.end()) {
        entries.push_back({gpu.model, key, {i - first}, &gpu});
      } else {
        std::get<2>(*it).push_back(i - first);
      }
    }
    out << "  " << names[node] << ":\n";
    if (entries.empty()) {
      // A config needs at least one entry and an entry at least one device: list the node's GPUs
      // as empty rather than write an invalid file.
      std::vector<int> devices;
      for (int i = first; i < last; ++i) devices.push_back(i - first);
      out << "    # no GPU of this node is used\n";
      out << "    - devices: [" << Join(devices, ", ") << "]\n      mig-enabled: true\n"
          << "      mig-devices: {}\n";
      continue;
    }
    for (const auto& [model, key, devices, gpu] : entries) {
      out << "    - devices: [" << Join(devices, ", ") << "]\n";
      if (models.size() > 1)
        out << "      device-filter: \"" << PciId(model->pci_device_id) << "\"\n";
      if (!gpu->used() && options.unused == UnusedGpus::kDisabled) {
        out << "      mig-enabled: false\n      mig-devices: {}\n";
        continue;
      }
      out << "      mig-enabled: true\n";
      const auto counts = ProfileCounts(*gpu);
      if (counts.empty()) {
        out << "      mig-devices: {}\n";
        continue;
      }
      out << "      mig-devices:\n";
      for (const auto& [name, count] : counts) out << "        " << name << ": " << count << "\n";
    }
  }
  return out.str();
}

nlohmann::json PlanJson(const Fleet& fleet, const Demand& demand, const FleetPlan& plan) {
  using nlohmann::json;
  json j;
  j["fleet"] = fleet.ToString();
  j["method"] = plan.method;
  j["optimal"] = plan.optimal;
  j["seconds"] = plan.seconds;
  j["gpus_total"] = fleet.gpus.size();
  j["gpus_used"] = plan.gpus_used;
  j["lower_bound"] = plan.lower_bound;
  j["lp_bound"] = plan.lp_bound;
  j["gap"] = plan.gap();
  j["unmet"] = plan.unmet_total;
  j["unmet_lower_bound"] = plan.unmet_lower_bound;
  j["kept"] = plan.kept;
  j["destroyed"] = plan.destroyed;
  j["created"] = plan.created;
  if (plan.destroyed_lower_bound >= 0) j["destroyed_lower_bound"] = plan.destroyed_lower_bound;
  j["stranded"] = {{"compute_slices", plan.stranded_compute_slices},
                   {"memory_slices", plan.stranded_memory_slices},
                   {"used_compute_slices", plan.used_compute_slices},
                   {"used_memory_slices", plan.used_memory_slices}};
  json items = json::array();
  const std::vector<const GpuModel*> models = fleet.Models();
  StatusOr<std::vector<DemandClass>> classes = ResolveDemand(demand, models);
  for (size_t d = 0; d < demand.items.size(); ++d) {
    json item = {{"item", demand.items[d].label},
                 {"wanted", demand.items[d].count},
                 {"placed", d < plan.placed.size() ? plan.placed[d] : 0},
                 {"unmet", d < plan.unmet.size() ? plan.unmet[d] : 0}};
    json profiles = json::object();
    if (classes.ok()) {
      for (size_t m = 0; m < models.size(); ++m) {
        const GiProfile* p = (*classes)[d].profile_by_model[m];
        profiles[models[m]->id] = p == nullptr ? json(nullptr) : json(p->name);
      }
    }
    item["profiles"] = profiles;
    items.push_back(item);
  }
  j["demand"] = std::move(items);
  json layouts = json::array();
  for (const GpuPlan& gpu : plan.gpus) {
    json counts = json::object();
    for (const auto& [name, n] : ProfileCounts(gpu)) counts[name] = n;
    json instances = json::array();
    for (const PlannedInstance& i : gpu.instances) {
      instances.push_back(
          {{"profile", i.profile->name},
           {"profile_id", i.profile->id},
           {"start", i.placement.start},
           {"size", i.placement.size},
           {"kept", i.kept},
           {"demand", i.demand_item >= 0 && i.demand_item < static_cast<int>(demand.items.size())
                          ? json(demand.items[i.demand_item].label)
                          : json(nullptr)}});
    }
    json destroy = json::array();
    for (const PlacedProfile& p : gpu.destroy) {
      destroy.push_back({{"profile", p.profile->name},
                         {"profile_id", p.profile->id},
                         {"start", p.placement.start},
                         {"size", p.placement.size}});
    }
    json layout = {{"gpu", gpu.index}, {"model", gpu.model->id}, {"used", gpu.used()}};
    layout["profiles"] = std::move(counts);  // moved, not copied: these dominate a fleet's JSON
    layout["instances"] = std::move(instances);
    layout["destroy"] = std::move(destroy);
    layouts.push_back(std::move(layout));
  }
  j["layouts"] = std::move(layouts);
  return j;
}

std::string PlanToJson(const Fleet& fleet, const Demand& demand, const FleetPlan& plan) {
  return PlanJson(fleet, demand, plan).dump(2) + "\n";
}

std::string PlanSummaryText(const Fleet& fleet, const Demand& demand, const FleetPlan& plan) {
  std::ostringstream out;
  out << "Plan for " << fleet.ToString() << " (" << plan.method << ", "
      << (plan.optimal ? "proven optimal" : "not proven optimal") << ", " << Fixed(plan.seconds, 3)
      << " s)\n";
  out << "  GPUs used     " << plan.gpus_used << " of " << fleet.gpus.size() << "; lower bound "
      << plan.lower_bound << " (LP " << Fixed(plan.lp_bound, 2) << "), gap " << plan.gap() << "\n";
  int wanted = 0;
  for (const DemandItem& i : demand.items) wanted += i.count;
  out << "  demand        " << wanted << " instances: " << wanted - plan.unmet_total << " placed, "
      << plan.unmet_total << " unmet\n";
  for (size_t d = 0; d < demand.items.size() && d < plan.unmet.size(); ++d) {
    if (plan.unmet[d] > 0) {
      out << "    unmet       " << plan.unmet[d] << " x " << demand.items[d].label << " (of "
          << demand.items[d].count << ")\n";
    }
  }
  out << "  stranded      " << plan.stranded_compute_slices << " of " << plan.used_compute_slices
      << " compute slices (" << Percent(plan.stranded_compute_slices, plan.used_compute_slices)
      << "), " << plan.stranded_memory_slices << " of " << plan.used_memory_slices
      << " memory slices (" << Percent(plan.stranded_memory_slices, plan.used_memory_slices)
      << ") on used GPUs\n";
  if (fleet.CurrentInstances() > 0) {
    out << "  instances     keep " << plan.kept << ", destroy " << plan.destroyed;
    if (plan.destroyed_lower_bound >= 0)
      out << " (lower bound " << plan.destroyed_lower_bound << ")";
    out << ", create " << plan.created << "\n";
  }
  out << "\nGPU";
  const size_t width = 12;
  out << std::string(width - 3, ' ') << "MODEL" << std::string(18 - 5, ' ') << "LAYOUT\n";
  for (size_t i = 0; i < plan.gpus.size();) {
    size_t j = i;
    const std::string desc = DescribeCounts(plan.gpus[i]);
    while (j + 1 < plan.gpus.size() && plan.gpus[j + 1].model == plan.gpus[i].model &&
           DescribeCounts(plan.gpus[j + 1]) == desc && plan.gpus[j + 1].destroy.empty() &&
           plan.gpus[i].destroy.empty()) {
      ++j;
    }
    std::string range = Range(plan.gpus[i].index, plan.gpus[j].index);
    std::string model = plan.gpus[i].model->id;
    out << range << std::string(range.size() < width ? width - range.size() : 1, ' ') << model
        << std::string(model.size() < 18 ? 18 - model.size() : 1, ' ') << desc << "\n";
    for (size_t k = i; k <= j; ++k) {
      if (plan.gpus[k].destroy.empty()) continue;
      out << std::string(width + 18, ' ') << "destroy " << DescribePlacements(plan.gpus[k].destroy)
          << "\n";
    }
    i = j + 1;
  }
  return out.str();
}

}  // namespace migkit
