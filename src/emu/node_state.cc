#include "emu/node_state.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>

#include "core/uuid.h"
#include "emu/node_state_cc.h"

namespace migkit {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;

// PCI bus numbers of a DGX H100's eight GPUs; further GPUs continue past them.
constexpr std::array<int, 8> kDgxBuses = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};

json PlacementJson(const Placement& p) { return {{"start", p.start}, {"size", p.size}}; }

Placement PlacementFrom(const json& j) {
  return Placement{j.at("start").get<int>(), j.at("size").get<int>()};
}

}  // namespace

std::string EmulatedPciBusId(int index) {
  const int bus = index < static_cast<int>(kDgxBuses.size())
                      ? kDgxBuses[static_cast<size_t>(index)]
                      : 0xdc + (index - static_cast<int>(kDgxBuses.size()));
  char buf[32];
  std::snprintf(buf, sizeof buf, "00000000:%02X:00.0", bus & 0xFF);
  return buf;
}

NodeState NewNodeState(const FleetSpec& spec, const Catalog& catalog) {
  NodeState state;
  state.spec = spec;
  for (size_t i = 0; i < spec.model_ids.size(); ++i) {
    EmulatedGpu gpu;
    gpu.model = catalog.Find(spec.model_ids[i]);
    gpu.uuid = MakeGpuUuid("migkit-emulated-node/" + spec.model_ids[i], static_cast<int>(i));
    gpu.pci_bus_id = EmulatedPciBusId(static_cast<int>(i));
    state.gpus.push_back(std::move(gpu));
  }
  return state;
}

std::string SerializeNodeState(const NodeState& state) {
  json gpus = json::array();
  for (size_t i = 0; i < state.gpus.size(); ++i) {
    const EmulatedGpu& g = state.gpus[i];
    json gis = json::array();
    for (const GpuInstance& gi : g.state.gpu_instances) {
      json cis = json::array();
      for (const ComputeInstance& ci : gi.compute_instances) {
        cis.push_back({{"id", ci.id}, {"profile_id", ci.profile_id},
                       {"placement", PlacementJson(ci.placement)}});
      }
      gis.push_back({{"id", gi.id}, {"profile_id", gi.profile_id},
                     {"placement", PlacementJson(gi.placement)}, {"compute_instances", cis}});
    }
    gpus.push_back({{"index", i},
                    {"model", g.model->id},
                    {"uuid", g.uuid},
                    {"pci_bus_id", g.pci_bus_id},
                    {"mig_current", g.state.mig_current},
                    {"mig_pending", g.state.mig_pending},
                    {"gpu_instances", gis}});
    SerializeGpuCc(g.cc, &gpus.back());
  }
  json faults = json::array();
  for (const FaultRule& r : state.faults) faults.push_back(FaultRuleToString(r));
  json root = {{"format", kFormatVersion},
               {"spec", state.spec.ToString()},
               {"gpus", gpus},
               {"faults", faults}};
  SerializeNodeCc(state.cc, &root);
  return root.dump(1) + "\n";
}

StatusOr<NodeState> ParseNodeState(std::string_view text, const Catalog& catalog,
                                   const std::string& path) {
  const auto corrupt = [&](const std::string& what) {
    return Status::Corruption(path + ": " + what +
                              ". The emulator will not guess; move the file aside, or run "
                              "`migctl emulator init --force` to start a fresh node (this forgets "
                              "every emulated instance)");
  };
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    return corrupt(std::string("not valid JSON (") + e.what() + ")");
  }
  NodeState state;
  try {
    if (!root.is_object()) return corrupt("top level is not an object");
    const int format = root.at("format").get<int>();
    if (format != kFormatVersion) {
      return corrupt("format " + std::to_string(format) + " is not supported (expected " +
                     std::to_string(kFormatVersion) + ")");
    }
    StatusOr<FleetSpec> spec = ParseFleetSpec(root.at("spec").get<std::string>(), catalog);
    if (!spec.ok()) return corrupt(spec.status().message());
    state.spec = *spec;
    const json& gpus = root.at("gpus");
    if (!gpus.is_array() || gpus.size() != state.spec.model_ids.size()) {
      return corrupt("the GPU list does not match the node spec " + state.spec.ToString());
    }
    for (size_t i = 0; i < gpus.size(); ++i) {
      const json& g = gpus[i];
      EmulatedGpu gpu;
      gpu.model = catalog.Find(g.at("model").get<std::string>());
      if (gpu.model == nullptr || gpu.model->id != state.spec.model_ids[i]) {
        return corrupt("GPU " + std::to_string(i) + " has model '" +
                       g.at("model").get<std::string>() + "', expected " +
                       state.spec.model_ids[i]);
      }
      gpu.uuid = g.at("uuid").get<std::string>();
      gpu.pci_bus_id = g.at("pci_bus_id").get<std::string>();
      gpu.state.mig_current = g.at("mig_current").get<bool>();
      gpu.state.mig_pending = g.at("mig_pending").get<bool>();
      for (const json& gi_json : g.at("gpu_instances")) {
        GpuInstance gi;
        gi.id = gi_json.at("id").get<int>();
        gi.profile_id = gi_json.at("profile_id").get<int>();
        gi.placement = PlacementFrom(gi_json.at("placement"));
        for (const json& ci_json : gi_json.at("compute_instances")) {
          ComputeInstance ci;
          ci.id = ci_json.at("id").get<int>();
          ci.profile_id = ci_json.at("profile_id").get<int>();
          ci.placement = PlacementFrom(ci_json.at("placement"));
          gi.compute_instances.push_back(ci);
        }
        gpu.state.gpu_instances.push_back(std::move(gi));
      }
      MIGKIT_RETURN_IF_ERROR(ParseGpuCc(g, *gpu.model, i, corrupt, &gpu.cc));
      Status valid = ValidateState(*gpu.model, gpu.state);
      if (!valid.ok()) return corrupt("GPU " + std::to_string(i) + ": " + valid.message());
      state.gpus.push_back(std::move(gpu));
    }
    std::string rules;
    for (const json& f : root.at("faults")) rules += f.get<std::string>() + ",";
    StatusOr<std::vector<FaultRule>> faults = ParseFaultRules(rules);
    if (!faults.ok()) return corrupt(faults.status().message());
    state.faults = *faults;
    MIGKIT_RETURN_IF_ERROR(ParseNodeCc(root, corrupt, &state.cc));
  } catch (const json::exception& e) {
    return corrupt(std::string("unexpected content (") + e.what() + ")");
  }
  return state;
}

}  // namespace migkit
