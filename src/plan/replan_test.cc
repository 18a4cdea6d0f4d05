// Re-planning: from the current layouts to ones that meet a new demand, destroying the fewest
// running instances.
#include <gtest/gtest.h>

#include <string>

#include "catalog/catalog.h"
#include "core/geometry.h"
#include "plan/planner.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

// "1g.10gb@0:1 3g.40gb@4:4" -> a layout of `model`.
Layout L(const GpuModel& model, const std::string& text) {
  Layout out;
  std::string rest = text;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    const std::string item = rest.substr(0, space);
    rest = space == std::string::npos ? "" : rest.substr(space + 1);
    const size_t at = item.find('@');
    const size_t colon = item.find(':');
    const GiProfile* p = model.FindProfileByName(item.substr(0, at));
    EXPECT_NE(p, nullptr) << item;
    out.push_back(
        {p, {std::stoi(item.substr(at + 1, colon - at - 1)), std::stoi(item.substr(colon + 1))}});
  }
  return out;
}

Fleet H100s(const std::vector<std::string>& currents) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  Fleet fleet;
  for (size_t i = 0; i < currents.size(); ++i) {
    fleet.gpus.push_back({static_cast<int>(i), &h100, L(h100, currents[i])});
  }
  return fleet;
}

FleetPlan Replan(const Fleet& fleet, const std::string& demand) {
  FleetPlanOptions options;
  options.mode = PlanMode::kExact;
  options.replan = true;
  StatusOr<FleetPlan> plan = PlanFleet(fleet, *ParseDemand(demand), options);
  EXPECT_OK(plan);
  EXPECT_OK(CheckPlan(fleet, *ParseDemand(demand), *plan));
  return plan.ok() ? *plan : FleetPlan{};
}

TEST(Replan, KeepsWhatStillFitsAndAddsTheRest) {
  // GPU 0 runs 3g@4 and 2g@0; the new demand adds two 1g: they fit beside the running ones.
  Fleet fleet = H100s({"2g.20gb@0:2 3g.40gb@4:4", ""});
  FleetPlan plan = Replan(fleet, "3g.40gb=1,2g.20gb=1,1g.10gb=2");
  EXPECT_EQ(plan.destroyed, 0);
  EXPECT_EQ(plan.kept, 2);
  EXPECT_EQ(plan.created, 2);
  EXPECT_EQ(plan.gpus_used, 1);
  EXPECT_TRUE(plan.optimal);
  EXPECT_EQ(DescribePlacements(plan.gpus[0].TargetLayout()),
            "2g.20gb@0:2 1g.10gb@2:1 1g.10gb@3:1 3g.40gb@4:4");
}

TEST(Replan, DestroysTheFewestAndSaysWhich) {
  // Each GPU runs 1g instances that block a 4g (which only fits at 0:4). The new demand wants
  // two 4g: on each GPU the instances in slices 0-3 must go -- one on GPU 0, two on GPU 1 --
  // and the planner puts the second 4g on GPU 2, which is empty, instead.
  Fleet fleet = H100s({"1g.10gb@0:1 1g.10gb@5:1", "1g.10gb@1:1 1g.10gb@2:1", ""});
  FleetPlan plan = Replan(fleet, "4g.40gb=2,1g.10gb=4");
  EXPECT_EQ(plan.unmet_total, 0);
  EXPECT_EQ(plan.destroyed, 1);
  EXPECT_EQ(plan.destroyed_lower_bound, 1);
  EXPECT_TRUE(plan.optimal);
  EXPECT_EQ(DescribePlacements(plan.gpus[0].destroy), "1g.10gb@0:1");
  EXPECT_TRUE(plan.gpus[1].destroy.empty());
  EXPECT_TRUE(plan.gpus[2].destroy.empty());
}

TEST(Replan, InstancesTheDemandNoLongerNeedsAreKept) {
  Fleet fleet = H100s({"7g.80gb@0:8", "3g.40gb@0:4 3g.40gb@4:4"});
  FleetPlan plan = Replan(fleet, "3g.40gb=1");
  EXPECT_EQ(plan.destroyed, 0);
  EXPECT_EQ(plan.kept, 3);
  EXPECT_EQ(plan.gpus_used, 2);
  // The kept 7g serves nothing; one kept 3g serves the demand.
  int serving = 0;
  for (const GpuPlan& g : plan.gpus) {
    for (const PlannedInstance& i : g.instances) serving += i.demand_item >= 0 ? 1 : 0;
  }
  EXPECT_EQ(serving, 1);
}

TEST(Replan, WithoutReplanTheCurrentLayoutsAreOnlyReportedAgainst) {
  Fleet fleet = H100s({"1g.10gb@0:1 1g.10gb@5:1", "1g.10gb@1:1 1g.10gb@2:1", ""});
  FleetPlanOptions options;
  options.mode = PlanMode::kExact;
  ASSERT_OK_AND_ASSIGN(FleetPlan plan, PlanFleet(fleet, *ParseDemand("4g.40gb=2"), options));
  EXPECT_EQ(plan.gpus_used, 2);
  EXPECT_EQ(plan.kept + plan.destroyed, 4);
  EXPECT_EQ(plan.destroyed_lower_bound, -1);
}

TEST(Replan, FromAMigPartedConfig) {
  const char* config = R"(version: v1
mig-configs:
  current:
    - devices: [0]
      mig-enabled: true
      mig-devices:
        3g.40gb: 1
        1g.10gb: 4
    - devices: [1]
      mig-enabled: false
      mig-devices: {}
)";
  Fleet fleet = *ParseFleet("2xH100-SXM5-80GB", Catalog::BuiltIn());
  ASSERT_OK(SetCurrentFromMigPartedConfig(config, "current.yaml", "", &fleet));
  // The driver places the 3g first at 4:4 and the 1g in its order 6,4,5,0,1,... -> 0-3.
  EXPECT_EQ(DescribePlacements(fleet.gpus[0].current),
            "1g.10gb@0:1 1g.10gb@1:1 1g.10gb@2:1 1g.10gb@3:1 3g.40gb@4:4");
  FleetPlan plan = Replan(fleet, "3g.40gb=2,1g.10gb=2");
  EXPECT_EQ(plan.destroyed, 0);
  EXPECT_EQ(plan.gpus_used, 2);
}

}  // namespace
}  // namespace migkit
