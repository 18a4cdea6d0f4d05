#include "emu/node_state.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace migkit {
namespace {

NodeState A100Node() {
  StatusOr<FleetSpec> spec = ParseFleetSpec("A100-SXM4-40GB,H100-SXM5-80GB", Catalog::BuiltIn());
  return NewNodeState(*spec, Catalog::BuiltIn());
}

TEST(NodeState, NewNodeHasMigOffAndDeterministicIdentity) {
  NodeState a = A100Node(), b = A100Node();
  ASSERT_EQ(a.gpus.size(), 2u);
  EXPECT_FALSE(a.gpus[0].state.mig_current);
  EXPECT_FALSE(a.gpus[0].state.mig_pending);
  EXPECT_EQ(a.gpus[0].model->id, "A100-SXM4-40GB");
  EXPECT_EQ(a.gpus[0].pci_bus_id, "00000000:18:00.0");
  EXPECT_EQ(a.gpus[1].pci_bus_id, "00000000:2A:00.0");
  EXPECT_EQ(a.gpus[0].uuid, b.gpus[0].uuid);
  EXPECT_NE(a.gpus[0].uuid, a.gpus[1].uuid);
}

TEST(NodeState, RoundTripsThroughJson) {
  NodeState s = A100Node();
  Status activation;
  EmulatedGpu& h100 = s.gpus[1];
  ASSERT_TRUE(SetMigMode(*h100.model, &h100.state, true, &activation).ok());
  StatusOr<GpuInstance> gi = CreateGpuInstance(*h100.model, &h100.state, 9, std::nullopt);
  ASSERT_TRUE(gi.ok());
  ASSERT_TRUE(CreateComputeInstance(*h100.model, &h100.state, gi->id, 0, std::nullopt).ok());
  s.faults.push_back({FaultOp::kReset, 0, Code::kUnknown, 2});
  const std::string text = SerializeNodeState(s);
  StatusOr<NodeState> back = ParseNodeState(text, Catalog::BuiltIn(), "node.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(SerializeNodeState(*back), text);
}

TEST(NodeState, CorruptFilesAreReportedWithPathAndWayOut) {
  const Catalog& c = Catalog::BuiltIn();
  for (const char* text :
       {"", "{", "[]", "{\"format\": 2}", "{\"format\": 1, \"spec\": \"NOPE\"}"}) {
    StatusOr<NodeState> s = ParseNodeState(text, c, "/tmp/x/node.json");
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.status().code(), Code::kCorruption);
    EXPECT_EQ(s.status().message().rfind("/tmp/x/node.json: ", 0), 0u) << s.status().message();
    EXPECT_NE(s.status().message().find("migctl emulator init --force"), std::string::npos);
  }
}

TEST(NodeState, RejectsStatesTheDriverCouldNeverReach) {
  NodeState s = A100Node();
  EmulatedGpu& g = s.gpus[0];
  g.state.mig_current = g.state.mig_pending = true;
  // Two GIs overlapping on units 0-3: 4g.20gb at 0 and 3g.20gb at 0.
  g.state.gpu_instances = {{1, 5, {0, 4}, {}}, {1, 9, {0, 4}, {}}};
  StatusOr<NodeState> back = ParseNodeState(SerializeNodeState(s), Catalog::BuiltIn(), "n.json");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), Code::kCorruption);
  EXPECT_NE(back.status().message().find("GPU 0"), std::string::npos);
}

// A node whose H100 (GPU 1) has GI 2 (1g.10gb at 6... whichever the driver picks) and a CI.
nlohmann::json NodeWithInstances() {
  NodeState s = A100Node();
  EmulatedGpu& h100 = s.gpus[1];
  Status activation;
  EXPECT_TRUE(SetMigMode(*h100.model, &h100.state, true, &activation).ok());
  StatusOr<GpuInstance> gi = CreateGpuInstance(*h100.model, &h100.state, 19, std::nullopt);
  EXPECT_TRUE(gi.ok());
  EXPECT_TRUE(CreateComputeInstance(*h100.model, &h100.state, gi->id, 0, std::nullopt).ok());
  return nlohmann::json::parse(SerializeNodeState(s));
}

// Each edit is something migkit never writes; each must be refused, never read as something else.
TEST(NodeState, RefusesCoercibleValuesInsteadOfConverting) {
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> edits = {
      {"GI id 2^32+2", [](auto& j) { j["gpus"][1]["gpu_instances"][0]["id"] = 4294967298ULL; }},
      {"GI id 2.9", [](auto& j) { j["gpus"][1]["gpu_instances"][0]["id"] = 2.9; }},
      {"GI id 2.0", [](auto& j) { j["gpus"][1]["gpu_instances"][0]["id"] = 2.0; }},
      {"GI id -1", [](auto& j) { j["gpus"][1]["gpu_instances"][0]["id"] = -1; }},
      {"CI id true",
       [](auto& j) { j["gpus"][1]["gpu_instances"][0]["compute_instances"][0]["id"] = true; }},
      {"placement start \"0\"",
       [](auto& j) { j["gpus"][1]["gpu_instances"][0]["placement"]["start"] = "0"; }},
      {"format true", [](auto& j) { j["format"] = true; }},
      {"format 1.0", [](auto& j) { j["format"] = 1.0; }},
      {"gpu_instances null", [](auto& j) { j["gpus"][0]["gpu_instances"] = nullptr; }},
      {"compute_instances null",
       [](auto& j) { j["gpus"][1]["gpu_instances"][0]["compute_instances"] = nullptr; }},
      {"faults null", [](auto& j) { j["faults"] = nullptr; }},
      {"mig_current 1", [](auto& j) { j["gpus"][1]["mig_current"] = 1; }},
      {"duplicate UUID", [](auto& j) { j["gpus"][1]["uuid"] = j["gpus"][0]["uuid"]; }},
      {"duplicate PCI bus ID",
       [](auto& j) { j["gpus"][1]["pci_bus_id"] = j["gpus"][0]["pci_bus_id"]; }},
      {"empty UUID", [](auto& j) { j["gpus"][0]["uuid"] = ""; }},
      {"escape in UUID", [](auto& j) { j["gpus"][0]["uuid"] = "GPU-\x1b[2J"; }},
      {"C1 CSI in PCI bus ID",
       [](auto& j) { j["gpus"][0]["pci_bus_id"] = "00000000:18:00.0\xc2\x9b"; }},
      {"newline in spec", [](auto& j) { j["spec"] = "A100-SXM4-40GB,\nH100-SXM5-80GB"; }},
      {"index swapped", [](auto& j) { j["gpus"][0]["index"] = 1; }},
      {"fault rule not a string", [](auto& j) { j["faults"] = {7}; }},
  };
  for (const auto& [what, edit] : edits) {
    nlohmann::json j = NodeWithInstances();
    edit(j);
    StatusOr<NodeState> s = ParseNodeState(j.dump(), Catalog::BuiltIn(), "/s/node.json");
    ASSERT_FALSE(s.ok()) << what;
    EXPECT_EQ(s.status().code(), Code::kCorruption) << what;
    EXPECT_EQ(s.status().message().rfind("/s/node.json: ", 0), 0u) << s.status().message();
  }
  // The unedited file loads: the refusals are the edits', not the fixture's.
  EXPECT_TRUE(ParseNodeState(NodeWithInstances().dump(), Catalog::BuiltIn(), "n").ok());
}

}  // namespace
}  // namespace migkit
