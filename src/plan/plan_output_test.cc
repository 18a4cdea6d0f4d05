#include "plan/plan_output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "config/mig_config.h"
#include "config/resolve.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

struct Planned {
  Fleet fleet;
  Demand demand;
  FleetPlan plan;
};

Planned Make(const char* fleet, const char* demand) {
  Planned p;
  p.fleet = *ParseFleet(fleet, Catalog::BuiltIn());
  p.demand = *ParseDemand(demand);
  FleetPlanOptions options;
  options.mode = PlanMode::kExact;
  p.plan = *PlanFleet(p.fleet, p.demand, options);
  return p;
}

TEST(ToMigPartedConfig, GroupsIdenticalLayouts) {
  Planned p = Make("4xH100-SXM5-80GB", "1g.10gb=14,7g.80gb=1");
  EXPECT_EQ(ToMigPartedConfig(p.fleet, p.plan, {}),
            "# Written by migctl plan for fleet 4xH100-SXM5-80GB.\n"
            "# 3 GPUs used, lower bound 3, 0 instances unmet.\n"
            "version: v1\n"
            "mig-configs:\n"
            "  migkit-plan:\n"
            "    - devices: [0, 1]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        1g.10gb: 7\n"
            "    - devices: [2]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        7g.80gb: 1\n"
            "    - devices: [3]\n"
            "      mig-enabled: true\n"
            "      mig-devices: {}\n");
}

TEST(ToMigPartedConfig, UnusedGpusCanBeDisabledOrOmitted) {
  Planned p = Make("2xH100-SXM5-80GB", "3g.40gb=1");
  ConfigOptions disabled;
  disabled.unused = UnusedGpus::kDisabled;
  const std::string a = ToMigPartedConfig(p.fleet, p.plan, disabled);
  EXPECT_NE(a.find("    - devices: [1]\n      mig-enabled: false\n      mig-devices: {}\n"),
            std::string::npos)
      << a;
  ConfigOptions omit;
  omit.unused = UnusedGpus::kOmit;
  const std::string b = ToMigPartedConfig(p.fleet, p.plan, omit);
  EXPECT_EQ(b.find("devices: [1]"), std::string::npos) << b;
}

TEST(ToMigPartedConfig, MixedNodesGetDeviceFiltersAndNodesGetTheirOwnConfig) {
  Planned p = Make("2xH100-SXM5-80GB,2xA100-SXM4-40GB", "7g.80gb=2,1g.5gb=7");
  const std::string one = ToMigPartedConfig(p.fleet, p.plan, {});
  EXPECT_NE(one.find("    - devices: [0, 1]\n      device-filter: \"0x233010DE\"\n"),
            std::string::npos)
      << one;
  EXPECT_NE(one.find("    - devices: [2]\n      device-filter: \"0x20B010DE\"\n"
                     "      mig-enabled: true\n      mig-devices:\n        1g.5gb: 7\n"),
            std::string::npos)
      << one;
  ConfigOptions per_node;
  per_node.gpus_per_node = 2;
  const std::string two = ToMigPartedConfig(p.fleet, p.plan, per_node);
  EXPECT_EQ(ConfigNames(p.fleet, per_node),
            (std::vector<std::string>{"migkit-plan-node0", "migkit-plan-node1"}));
  EXPECT_NE(two.find("  migkit-plan-node1:\n    - devices: [0]\n      mig-enabled: true\n"
                     "      mig-devices:\n        1g.5gb: 7\n"),
            std::string::npos)
      << two;
  EXPECT_EQ(two.find("device-filter"), std::string::npos) << two;
}

TEST(ToMigPartedConfig, ReadsBackAsTheSameLayouts) {
  Planned p = Make("3xH100-SXM5-80GB", "3g.40gb=1,2g.20gb=2,1g.20gb=1,1g.10gb=3,4g.40gb=1");
  const std::string config = ToMigPartedConfig(p.fleet, p.plan, {});
  Fleet back = *ParseFleet("3xH100-SXM5-80GB", Catalog::BuiltIn());
  ASSERT_OK(SetCurrentFromMigPartedConfig(config, "plan.yaml", "migkit-plan", &back));
  for (size_t i = 0; i < back.gpus.size(); ++i) {
    EXPECT_EQ(DescribeProfiles(back.gpus[i].current),
              DescribeProfiles(p.plan.gpus[i].TargetLayout()))
        << config;
  }
}

// The config is read back by src/config exactly as `migctl apply -f FILE -c NAME` reads it.
TEST(ToMigPartedConfig, IsAValidConfigForTheNode) {
  Planned p = Make("4xH100-SXM5-80GB,2xA100-SXM4-40GB,2xA30-24GB",
                   "1g.10gb=9,2g.20gb=3,3g.40gb=3,4g.40gb=1,1g.20gb=2,1g.5gb=5,1g.6gb=3");
  ASSERT_EQ(p.plan.unmet_total, 0);
  for (UnusedGpus unused : {UnusedGpus::kEmpty, UnusedGpus::kDisabled, UnusedGpus::kOmit}) {
    ConfigOptions options;
    options.unused = unused;
    const std::string text = ToMigPartedConfig(p.fleet, p.plan, options);
    ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(text, "plan.yaml"));
    ASSERT_OK_AND_ASSIGN(const NamedMigConfig* config, SelectConfig(file, "migkit-plan"));
    std::vector<GpuInfo> gpus;
    for (const FleetGpu& g : p.fleet.gpus) gpus.push_back({g.index, g.model, "", "", {}, {}});
    ASSERT_OK_AND_ASSIGN(std::vector<GpuTarget> targets, ResolveConfig(file, *config, gpus));
    for (const GpuTarget& t : targets) {
      const GpuPlan& gpu = p.plan.gpus[t.gpu];
      int instances = 0;
      for (const MigDeviceCount& d : t.devices) instances += d.count;
      EXPECT_EQ(instances, static_cast<int>(gpu.instances.size())) << text;
      EXPECT_EQ(t.mig_enabled, gpu.used() || unused != UnusedGpus::kDisabled) << text;
    }
  }
}

TEST(PlanToJson, HasTheSummaryAndTheLayouts) {
  // Two GPUs for seven 1g and two 7g: the fewest unmet instances is one (a 7g).
  Planned p = Make("2xH100-SXM5-80GB", "7g.80gb=2,1g.10gb=7");
  const nlohmann::json j = nlohmann::json::parse(PlanToJson(p.fleet, p.demand, p.plan));
  EXPECT_EQ(j["gpus_used"], 2);
  EXPECT_EQ(j["lower_bound"], 2);
  EXPECT_EQ(j["unmet"], 1);
  EXPECT_EQ(j["optimal"], true);
  EXPECT_EQ(j["demand"][0]["item"], "7g.80gb");
  EXPECT_EQ(j["demand"][0]["unmet"], 1);
  EXPECT_EQ(j["demand"][1]["unmet"], 0);
  EXPECT_EQ(j["demand"][1]["profiles"]["H100-SXM5-80GB"], "1g.10gb");
  ASSERT_EQ(j["layouts"].size(), 2u);
  EXPECT_EQ(j["layouts"][0]["model"], "H100-SXM5-80GB");
  const nlohmann::json& whole =
      j["layouts"][0]["profiles"].contains("7g.80gb") ? j["layouts"][0] : j["layouts"][1];
  EXPECT_EQ(whole["profiles"]["7g.80gb"], 1);
  EXPECT_EQ(whole["instances"][0]["start"], 0);
  EXPECT_EQ(whole["instances"][0]["size"], 8);
  EXPECT_EQ(whole["instances"][0]["demand"], "7g.80gb");
  EXPECT_EQ(j["stranded"]["compute_slices"], 0);
  EXPECT_EQ(j["stranded"]["memory_slices"], 1);
}

TEST(PlanSummaryText, CollapsesRanges) {
  Planned p = Make("6xH100-SXM5-80GB", "1g.10gb=14");
  const std::string text = PlanSummaryText(p.fleet, p.demand, p.plan);
  EXPECT_NE(text.find("  GPUs used     2 of 6; lower bound 2 (LP 2.00), gap 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("0-1         H100-SXM5-80GB    1g.10gb x7\n"), std::string::npos) << text;
  EXPECT_NE(text.find("2-5         H100-SXM5-80GB    (unused)\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace migkit
