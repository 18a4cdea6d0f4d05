#include "plan/plan_problem.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "testing/status_matchers.h"

namespace migkit::planning {
namespace {

Fleet MakeFleet(const std::string& spec) { return *ParseFleet(spec, Catalog::BuiltIn()); }
Demand MakeDemand(const std::string& text) { return *ParseDemand(text); }

TEST(BuildProblem, GroupsGpusByModelAndMapsDemandToProfiles) {
  ASSERT_OK_AND_ASSIGN(Problem pb,
                       BuildProblem(MakeFleet("3xH100-SXM5-80GB,2xA100-SXM4-40GB"),
                                    MakeDemand("3g.40gb=2,1g.10gb=4"), /*replan=*/false));
  ASSERT_EQ(pb.models.size(), 2u);
  ASSERT_EQ(pb.groups.size(), 2u);
  EXPECT_EQ(pb.groups[0].gpus, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(pb.groups[1].gpus, (std::vector<int>{3, 4}));
  EXPECT_EQ(pb.current_instances, 0);
  // Each demand class names the profile it gets on each model (an index into that model's
  // demanded profiles), or -1: item 0 is H100's 3g.40gb.
  ASSERT_EQ(pb.class_profile.size(), 2u);
  const int h100_3g = pb.class_profile[0][0];
  ASSERT_GE(h100_3g, 0);
  EXPECT_EQ(pb.models[0].demanded[h100_3g]->name, "3g.40gb");
  // Every option of a group supplies something, and none dominates another.
  for (const Group& g : pb.groups) {
    ASSERT_FALSE(g.options.empty());
    for (const Option& o : g.options) {
      int total = 0;
      for (int s : o.supply) total += s;
      EXPECT_GT(total, 0);
    }
  }
  // Supply classes cover every option exactly once.
  size_t members = 0;
  for (const SupplyClass& sc : pb.supply_classes) members += sc.members.size();
  EXPECT_EQ(members, pb.groups[0].options.size() + pb.groups[1].options.size());
}

TEST(BuildProblem, ReplanGroupsByCurrentLayoutAndCountsWhatOptionsKeep) {
  Fleet fleet = MakeFleet("3xH100-SXM5-80GB");
  const GpuModel& h100 = *fleet.gpus[0].model;
  fleet.gpus[1].current = {{h100.FindProfileByName("7g.80gb"), Placement{0, 8}}};
  ASSERT_OK_AND_ASSIGN(Problem pb,
                       BuildProblem(fleet, MakeDemand("7g.80gb=1,1g.10gb=7"), /*replan=*/true));
  ASSERT_EQ(pb.groups.size(), 2u);  // the empty GPUs 0 and 2, and GPU 1 with its 7g
  EXPECT_EQ(pb.groups[0].gpus, (std::vector<int>{0, 2}));
  EXPECT_EQ(pb.groups[1].gpus, (std::vector<int>{1}));
  EXPECT_EQ(pb.current_instances, 1);
  // GPU 1's most useful option keeps its 7g.
  ASSERT_FALSE(pb.groups[1].options.empty());
  EXPECT_EQ(pb.groups[1].options.front().kept, 1);
}

TEST(OptionsFor, DropsDominatedAndUselessLayouts) {
  Fleet fleet = MakeFleet("H100-SXM5-80GB");
  ASSERT_OK_AND_ASSIGN(Problem pb, BuildProblem(fleet, MakeDemand("4g.40gb=1"), /*replan=*/false));
  // Only layouts with a 4g.40gb supply it, and all of them supply exactly one: one option left.
  ASSERT_EQ(pb.groups.size(), 1u);
  ASSERT_EQ(pb.groups[0].options.size(), 1u);
  EXPECT_EQ(pb.groups[0].options[0].supply, (std::vector<int>{1}));
}

TEST(BuildProblem, PassesDemandErrorsThrough) {
  EXPECT_CODE(BuildProblem(MakeFleet("A30-24GB"), MakeDemand("3g.40gb=1"), false),
              Code::kInvalidArgument);
}

}  // namespace
}  // namespace migkit::planning
