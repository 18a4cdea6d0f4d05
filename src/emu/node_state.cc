#include "emu/node_state.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "core/uuid.h"
#include "emu/node_state_cc.h"
#include "emu/strict_json.h"

namespace migkit {
namespace {

using nlohmann::json;

// Format 2 added the confidential-computing fields (required); format 1 files, written before
// them, still load with CC off and are rewritten as format 2 on the next change.
constexpr int kFormatVersion = 2;
constexpr int kFormatBeforeCc = 1;

// PCI bus numbers of a DGX H100's eight GPUs; further GPUs continue past them.
constexpr std::array<int, 8> kDgxBuses = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};

json PlacementJson(const Placement& p) { return {{"start", p.start}, {"size", p.size}}; }

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
        cis.push_back({{"id", ci.id},
                       {"profile_id", ci.profile_id},
                       {"placement", PlacementJson(ci.placement)}});
      }
      gis.push_back({{"id", gi.id},
                     {"profile_id", gi.profile_id},
                     {"placement", PlacementJson(gi.placement)},
                     {"compute_instances", cis}});
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
  namespace sj = strict_json;
  try {
    if (!root.is_object()) return corrupt("top level is not an object");
    const std::int64_t format = sj::Int(root, "format", 0, 1 << 20, "the file");
    if (format != kFormatVersion && format != kFormatBeforeCc) {
      return corrupt("format " + std::to_string(format) + " is not supported (expected " +
                     std::to_string(kFormatBeforeCc) + " or " + std::to_string(kFormatVersion) +
                     ")");
    }
    const CcFields cc_fields = format == kFormatBeforeCc ? CcFields::kAbsent : CcFields::kRequired;
    StatusOr<FleetSpec> spec = ParseFleetSpec(sj::String(root, "spec", "the file"), catalog);
    if (!spec.ok()) return corrupt(spec.status().message());
    state.spec = *spec;
    const json& gpus = sj::Array(root, "gpus", "the file");
    if (gpus.size() != state.spec.model_ids.size()) {
      return corrupt("the GPU list does not match the node spec " + state.spec.ToString());
    }
    std::set<std::string> uuids, bus_ids;
    for (size_t i = 0; i < gpus.size(); ++i) {
      const json& g = gpus[i];
      const std::string where = "GPU " + std::to_string(i);
      if (sj::Int(g, "index", 0, 1 << 20, where) != static_cast<std::int64_t>(i)) {
        return corrupt(where + " is listed with index " + g.at("index").dump());
      }
      EmulatedGpu gpu;
      const std::string model = sj::String(g, "model", where);
      gpu.model = catalog.Find(model);
      if (gpu.model == nullptr || gpu.model->id != state.spec.model_ids[i]) {
        return corrupt(where + " has model '" + model + "', expected " + state.spec.model_ids[i]);
      }
      gpu.uuid = sj::String(g, "uuid", where, /*allow_empty=*/false);
      gpu.pci_bus_id = sj::String(g, "pci_bus_id", where, /*allow_empty=*/false);
      // Two GPUs with one identity would make every UUID- or bus-addressed tool pick either.
      if (!uuids.insert(gpu.uuid).second) {
        return corrupt(where + " has the UUID " + gpu.uuid + " of an earlier GPU");
      }
      if (!bus_ids.insert(gpu.pci_bus_id).second) {
        return corrupt(where + " has the PCI bus ID " + gpu.pci_bus_id + " of an earlier GPU");
      }
      gpu.state.mig_current = sj::Bool(g, "mig_current", where);
      gpu.state.mig_pending = sj::Bool(g, "mig_pending", where);
      // A Hopper GPU with a pending mode is not refused: a real one never shows it, but the
      // documented `mig-activation` fault leaves one so (docs/emulator.md), as tools must handle.
      constexpr std::int64_t kMaxSmall = 1 << 16;  // IDs, profile IDs and placements are tiny
      // The fields a GPU instance and a compute instance share, read in this order so that the
      // first defect is the one reported: id, profile_id, placement.
      const auto read_instance = [&](const json& j, const std::string& at, auto* out) {
        out->id = static_cast<int>(sj::Int(j, "id", 0, kMaxSmall, at));
        out->profile_id = static_cast<int>(sj::Int(j, "profile_id", 0, kMaxSmall, at));
        const json& p = sj::Field(j, "placement", at);
        out->placement =
            Placement{static_cast<int>(sj::Int(p, "start", 0, kMaxSmall, at + ".placement")),
                      static_cast<int>(sj::Int(p, "size", 0, kMaxSmall, at + ".placement"))};
      };
      const json& gis = sj::Array(g, "gpu_instances", where);
      for (size_t k = 0; k < gis.size(); ++k) {
        const json& gi_json = gis[k];
        const std::string gi_where = where + ": gpu_instances[" + std::to_string(k) + "]";
        GpuInstance gi;
        read_instance(gi_json, gi_where, &gi);
        const json& cis = sj::Array(gi_json, "compute_instances", gi_where);
        for (size_t c = 0; c < cis.size(); ++c) {
          const json& ci_json = cis[c];
          const std::string ci_where = gi_where + ".compute_instances[" + std::to_string(c) + "]";
          ComputeInstance ci;
          read_instance(ci_json, ci_where, &ci);
          gi.compute_instances.push_back(ci);
        }
        gpu.state.gpu_instances.push_back(std::move(gi));
      }
      MIGKIT_RETURN_IF_ERROR(ParseGpuCc(g, *gpu.model, i, cc_fields, corrupt, &gpu.cc));
      Status valid = ValidateState(*gpu.model, gpu.state);
      if (!valid.ok()) return corrupt(where + ": " + valid.message());
      state.gpus.push_back(std::move(gpu));
    }
    std::string rules;
    const json& faults = sj::Array(root, "faults", "the file");
    for (size_t k = 0; k < faults.size(); ++k) {
      if (!faults[k].is_string()) {
        return corrupt("faults[" + std::to_string(k) + "] is " + sj::TypeOf(faults[k]) +
                       "; expected a rule such as \"create-gi=in_use\"");
      }
      // One rule per entry: an empty one (or a list in one string) would not round-trip.
      const std::string& rule = faults[k].get_ref<const std::string&>();
      if (rule.empty() || rule.find_first_of(",;") != std::string::npos) {
        return corrupt("faults[" + std::to_string(k) + "] is \"" + rule +
                       "\"; expected one rule such as \"create-gi=in_use\"");
      }
      rules += rule + ",";
    }
    StatusOr<std::vector<FaultRule>> parsed_faults = ParseFaultRules(rules);
    if (!parsed_faults.ok()) return corrupt(parsed_faults.status().message());
    state.faults = *parsed_faults;
    MIGKIT_RETURN_IF_ERROR(ParseNodeCc(root, cc_fields, corrupt, &state.cc));
  } catch (const sj::JsonDefect& e) {
    return corrupt(e.what());
  } catch (const json::exception& e) {
    return corrupt(std::string("unexpected content (") + e.what() + ")");
  }
  return state;
}

}  // namespace migkit
