// Property: a state file either loads with every invariant holding and exactly the content the
// file states, or is refused as corrupt naming its path. Never coerced.
//
// Files are generated as valid nodes (random models, MIG modes, instances, fault rules), then most
// are damaged at a random place: a value replaced by one of another type or out of range, a key
// removed, or one GPU's identity copied onto another. "Exactly the content" is checked by
// serializing what was loaded: its text must equal the file's, so a 2.9 read as 2 or a null read
// as [] shows up as a difference.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "emu/node_state.h"
#include "emu/strict_json.h"

namespace migkit {
namespace {

using nlohmann::json;

const char* const kSpecs[] = {"A100-SXM4-40GB", "H100-SXM5-80GB,A30-24GB", "2xH100-SXM5-80GB",
                              "A100-SXM4-80GB,A100-SXM4-40GB,H100-SXM5-80GB"};

// A reachable node: random mode per GPU, then random GI/CI creations through the driver model.
NodeState GenValidNode() {
  const Catalog& catalog = Catalog::BuiltIn();
  const std::string spec_text =
      *rc::gen::elementOf(std::vector<std::string>(std::begin(kSpecs), std::end(kSpecs)));
  NodeState node = NewNodeState(*ParseFleetSpec(spec_text, catalog), catalog);
  for (EmulatedGpu& g : node.gpus) {
    if (!*rc::gen::arbitrary<bool>()) continue;
    Status activation;
    RC_ASSERT(SetMigMode(*g.model, &g.state, true, &activation).ok());
    if (*rc::gen::arbitrary<bool>()) ResetGpu(&g.state);  // else Ampere stays pending
    if (!g.state.mig_current) continue;
    const int creations = *rc::gen::inRange(0, 8);
    for (int k = 0; k < creations; ++k) {
      const GiProfile& p = *rc::gen::elementOf(g.model->gi_profiles);
      StatusOr<GpuInstance> gi = CreateGpuInstance(*g.model, &g.state, p.id, std::nullopt);
      if (!gi.ok()) continue;
      const int cis = *rc::gen::inRange(0, 3);
      for (int c = 0; c < cis; ++c) {
        (void)CreateComputeInstance(*g.model, &g.state, gi->id, *rc::gen::inRange(0, 8),
                                    std::nullopt);
      }
    }
  }
  if (*rc::gen::arbitrary<bool>()) {
    node.faults.push_back({FaultOp::kCreateGpuInstance, *rc::gen::inRange(-1, 2), Code::kInUse,
                           *rc::gen::element(-1, 1, 2, 3)});  // -1: always
  }
  return node;
}

// Every value in `j` with its JSON pointer, containers included.
void Pointers(const json& j, const json::json_pointer& at, std::vector<json::json_pointer>* out) {
  out->push_back(at);
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) Pointers(it.value(), at / it.key(), out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Pointers(j[i], at / i, out);
  }
}

// A value of the wrong type or out of range for some field, or a plausible one.
json GenHostileValue() {
  switch (*rc::gen::inRange(0, 14)) {
    case 0:
      return 4294967296ULL + *rc::gen::inRange(0, 8);
    case 1:
      return *rc::gen::inRange(0, 8) + 0.9;
    case 2:
      return static_cast<double>(*rc::gen::inRange(0, 8));
    case 3:
      return *rc::gen::arbitrary<bool>();
    case 4:
      return nullptr;
    case 5:
      return -*rc::gen::inRange(1, 5);
    case 6:
      return "";
    case 7:
      return std::string("GPU-\x1b]0;pwned\x07");
    case 8:
      return json::array();
    case 9:
      return json::object();
    case 10:
      return *rc::gen::inRange(0, 16);  // may well be valid
    case 11:
      return std::string("A100-SXM4-40GB");
    case 12:
      return 18446744073709551615ULL;
    default:
      return std::to_string(*rc::gen::inRange(0, 16));
  }
}

void Damage(json* j) {
  std::vector<json::json_pointer> all;
  Pointers(*j, json::json_pointer(), &all);
  const json::json_pointer at = *rc::gen::elementOf(all);
  switch (*rc::gen::inRange(0, 3)) {
    case 0:
      if (!at.empty()) {
        json& parent = (*j)[at.parent_pointer()];
        if (parent.is_object()) {
          parent.erase(at.back());
          return;
        }
      }
      [[fallthrough]];
    case 1:
      (*j)[at] = GenHostileValue();
      return;
    default: {  // one GPU takes another's identity
      json& gpus = (*j)["gpus"];
      if (gpus.size() < 2) return;
      const char* key = *rc::gen::arbitrary<bool>() ? "uuid" : "pci_bus_id";
      gpus[1][key] = gpus[0][key];
    }
  }
}

RC_GTEST_PROP(StateFileProperty, LoadsExactlyOrIsRefusedWithPath, ()) {
  const NodeState valid = GenValidNode();
  json file = json::parse(SerializeNodeState(valid));
  const bool damaged = *rc::gen::inRange(0, 5) != 0;
  if (damaged) Damage(&file);
  const std::string path = "/state/node.json";
  const StatusOr<NodeState> loaded = ParseNodeState(file.dump(1), Catalog::BuiltIn(), path);
  if (!loaded.ok()) {
    RC_ASSERT(damaged);  // a file migkit wrote always loads
    RC_ASSERT(loaded.status().code() == Code::kCorruption);
    RC_ASSERT(loaded.status().message().rfind(path + ": ", 0) == 0);
    return;
  }
  // Loaded: every invariant holds...
  std::set<std::string> uuids, buses;
  for (const EmulatedGpu& g : loaded->gpus) {
    RC_ASSERT(ValidateState(*g.model, g.state).ok());
    RC_ASSERT(!g.uuid.empty());
    RC_ASSERT(uuids.insert(g.uuid).second);
    RC_ASSERT(buses.insert(g.pci_bus_id).second);
    RC_ASSERT(!strict_json::HasControlCharacter(g.uuid));
    RC_ASSERT(!strict_json::HasControlCharacter(g.pci_bus_id));
  }
  // ...and what was loaded is exactly what the file says, value for value and type for type.
  RC_ASSERT(json::parse(SerializeNodeState(*loaded)).dump() == file.dump());
}

}  // namespace
}  // namespace migkit
