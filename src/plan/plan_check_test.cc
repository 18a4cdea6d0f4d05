// Tests of plan checking and totals (plan_check.cc) on hand-made plans, without the planner.
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "plan/demand.h"
#include "plan/fleet.h"
#include "plan/planner.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

class PlanCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(fleet_, ParseFleet("2xH100-SXM5-80GB", Catalog::BuiltIn()));
    ASSERT_OK_AND_ASSIGN(demand_, ParseDemand("1g.10gb=2,3g.40gb=1"));
    plan_.gpus.resize(2);
    for (int i = 0; i < 2; ++i) {
      plan_.gpus[i].index = i;
      plan_.gpus[i].model = fleet_.gpus[i].model;
    }
  }
  const GiProfile* P(const char* name) const {
    return fleet_.gpus[0].model->FindProfileByName(name);
  }
  void Add(int gpu, const char* profile, int start, int demand_item) {
    const GiProfile* p = P(profile);
    plan_.gpus[gpu].instances.push_back(
        {p, Placement{start, p->placement_size}, false, demand_item});
  }

  Fleet fleet_;
  Demand demand_;
  FleetPlan plan_;
};

TEST_F(PlanCheck, AcceptsAValidPlanAndSummarizesIt) {
  Add(0, "3g.40gb", 4, 1);
  Add(0, "1g.10gb", 0, 0);
  Add(1, "1g.10gb", 6, 0);
  EXPECT_OK(CheckPlan(fleet_, demand_, plan_));
  Summarize(fleet_, demand_, &plan_);
  EXPECT_EQ(plan_.gpus_used, 2);
  EXPECT_EQ(plan_.placed, (std::vector<int>{2, 1}));
  EXPECT_EQ(plan_.unmet_total, 0);
  EXPECT_EQ(plan_.created, 3);
  EXPECT_EQ(plan_.kept, 0);
  // GPU 0 uses 4 of 7 compute slices, GPU 1 uses 1 of 7.
  EXPECT_EQ(plan_.stranded_compute_slices, 3 + 6);
  EXPECT_EQ(plan_.used_compute_slices, 14);
  // Summarize orders each GPU's instances by start.
  EXPECT_EQ(plan_.gpus[0].instances[0].profile->name, "1g.10gb");
}

TEST_F(PlanCheck, SummarizeCountsKeptAndDestroyedAgainstTheCurrentLayouts) {
  fleet_.gpus[0].current = {{P("3g.40gb"), Placement{4, 4}}, {P("2g.20gb"), Placement{0, 2}}};
  Add(0, "3g.40gb", 4, 1);
  Add(0, "1g.10gb", 0, 0);
  Summarize(fleet_, demand_, &plan_);
  EXPECT_EQ(plan_.kept, 1);
  EXPECT_EQ(plan_.created, 1);
  EXPECT_EQ(plan_.destroyed, 1);
  EXPECT_EQ(DescribePlacements(plan_.gpus[0].destroy), "2g.20gb@0:2");
  EXPECT_EQ(plan_.unmet_total, 1);
}

TEST_F(PlanCheck, RejectsAPlanForAnotherFleet) {
  plan_.gpus.pop_back();
  EXPECT_EQ(CheckPlan(fleet_, demand_, plan_), Status::Unknown("the plan has 1 GPUs, the fleet 2"));
}

TEST_F(PlanCheck, RejectsOverlappingInstancesNamingTheGpu) {
  Add(1, "3g.40gb", 4, 1);
  Add(1, "1g.10gb", 5, 0);
  const Status s = CheckPlan(fleet_, demand_, plan_);
  EXPECT_EQ(s.code(), Code::kUnknown);
  EXPECT_EQ(s.message().rfind("GPU 1 (H100-SXM5-80GB): cannot create 1g.10gb at 5:1: ", 0), 0u)
      << s.message();
}

TEST_F(PlanCheck, RejectsAnInstanceServingAnItemOfAnotherProfile) {
  Add(0, "1g.10gb", 0, 1);  // item 1 is 3g.40gb
  EXPECT_EQ(CheckPlan(fleet_, demand_, plan_),
            Status::Unknown("GPU 0 (H100-SXM5-80GB): 1g.10gb serves demand item 1, which needs "
                            "another profile"));
}

TEST_F(PlanCheck, RejectsMoreInstancesThanAnItemWants) {
  Add(0, "3g.40gb", 0, 1);
  Add(0, "3g.40gb", 4, 1);
  EXPECT_EQ(CheckPlan(fleet_, demand_, plan_),
            Status::Unknown("demand item 3g.40gb gets 2 instances for 1 wanted"));
}

TEST(KeptInstances, CountsSameProfileAtTheSamePlacement) {
  const GpuModel& h100 = *Catalog::BuiltIn().Find("H100-SXM5-80GB");
  const GiProfile* g1 = h100.FindProfileByName("1g.10gb");
  const GiProfile* g1me = h100.FindProfileByName("1g.10gb+me");
  const Layout current = {{g1, Placement{0, 1}}, {g1, Placement{1, 1}}, {g1me, Placement{2, 1}}};
  const Layout target = {{g1, Placement{0, 1}}, {g1, Placement{2, 1}}, {g1me, Placement{2, 1}}};
  EXPECT_EQ(KeptInstances(current, target), 2);
  EXPECT_TRUE(SamePlaced(current[0], target[0]));
  EXPECT_FALSE(SamePlaced(current[1], target[1]));
}

}  // namespace
}  // namespace migkit
