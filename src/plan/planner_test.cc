#include "plan/planner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "catalog/catalog.h"
#include "core/geometry.h"
#include "core/gpu_state.h"
#include "emu/emulated_node.h"
#include "plan/baselines.h"
#include "plan/plan_output.h"
#include "testing/models.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace migkit {
namespace {

Fleet MakeFleet(const std::string& spec) {
  StatusOr<Fleet> f = ParseFleet(spec, Catalog::BuiltIn());
  EXPECT_OK(f);
  return f.ok() ? *f : Fleet{};
}

Demand MakeDemand(const std::string& text) {
  StatusOr<Demand> d = ParseDemand(text);
  EXPECT_OK(d);
  return d.ok() ? *d : Demand{};
}

FleetPlan MakePlan(const Fleet& fleet, const Demand& demand, PlanMode mode = PlanMode::kExact) {
  FleetPlanOptions options;
  options.mode = mode;
  options.time_limit_seconds = 30;
  StatusOr<FleetPlan> plan = PlanFleet(fleet, demand, options);
  EXPECT_OK(plan);
  return plan.ok() ? *plan : FleetPlan{};
}

// Creates every planned GPU instance on a fresh GpuState with its explicit placement, as the
// driver would, and checks the GPU ends up with exactly the planned layout.
void ExpectAppliesOnGpuState(const Fleet& fleet, const FleetPlan& plan) {
  ASSERT_EQ(plan.gpus.size(), fleet.gpus.size());
  for (size_t i = 0; i < plan.gpus.size(); ++i) {
    const GpuModel& model = *fleet.gpus[i].model;
    GpuState state;
    Status activation;
    ASSERT_OK(SetMigMode(model, &state, true, &activation));
    if (!state.MigUsable()) ResetGpu(&state);
    for (const PlannedInstance& inst : plan.gpus[i].instances) {
      ASSERT_OK(CreateGpuInstance(model, &state, inst.profile->id, inst.placement.start))
          << "GPU " << i << " " << inst.profile->name << "@" << inst.placement.ToString();
    }
    ASSERT_OK(ValidateState(model, state));
    EXPECT_EQ(state.gpu_instances.size(), plan.gpus[i].instances.size());
  }
}

std::string Layouts(const FleetPlan& plan) {
  std::string out;
  for (const GpuPlan& g : plan.gpus) {
    if (!g.used()) continue;
    if (!out.empty()) out += " | ";
    out += DescribeProfiles(g.TargetLayout());
  }
  return out;
}

TEST(Planner, SevenSmallAndOneWholeH100NeedExactlyTwoGpus) {
  Fleet fleet = MakeFleet("8xH100-SXM5-80GB");
  Demand demand = MakeDemand("1g.10gb=7,7g.80gb=1");
  FleetPlan plan = MakePlan(fleet, demand);
  EXPECT_EQ(plan.gpus_used, 2);
  EXPECT_EQ(plan.lower_bound, 2);
  EXPECT_TRUE(plan.optimal);
  EXPECT_EQ(plan.unmet_total, 0);
  EXPECT_EQ(Layouts(plan), "1g.10gb x7 | 7g.80gb");
  EXPECT_EQ(plan.stranded_compute_slices, 0);
  EXPECT_EQ(plan.stranded_memory_slices, 1);  // seven 1g use 7 of 8 memory slices
  EXPECT_OK(CheckPlan(fleet, demand, plan));
  ExpectAppliesOnGpuState(fleet, plan);
}

TEST(Planner, ThreeGAndFourGCoexistSoTwoThreeGPlusAFourGNeedTwoGpus) {
  Fleet fleet = MakeFleet("4xH100-SXM5-80GB");
  Demand demand = MakeDemand("3g.40gb=2,4g.40gb=1");
  FleetPlan plan = MakePlan(fleet, demand);
  EXPECT_EQ(plan.gpus_used, 2);
  EXPECT_EQ(plan.lower_bound, 2);
  EXPECT_DOUBLE_EQ(plan.lp_bound, 1.5);
  EXPECT_TRUE(plan.optimal);
  ExpectAppliesOnGpuState(fleet, plan);
}

TEST(Planner, FourThreeGOnA100NeedTwoGpus) {
  Fleet fleet = MakeFleet("4xA100-SXM4-40GB");
  Demand demand = MakeDemand("3g.20gb=4");
  FleetPlan plan = MakePlan(fleet, demand);
  EXPECT_EQ(plan.gpus_used, 2);
  EXPECT_EQ(Layouts(plan), "3g.20gb x2 | 3g.20gb x2");
  EXPECT_EQ(plan.stranded_compute_slices, 2);  // 3g + 3g leaves one compute slice per GPU
  EXPECT_EQ(plan.stranded_memory_slices, 0);
  ExpectAppliesOnGpuState(fleet, plan);
}

TEST(Planner, MixedSizesPackTight) {
  // 22 compute slices need at least ceil(22/7) = 4 GPUs, and 4 suffice: [4g+3g] [4g+3g]
  // [2g+5x1g] [1g].
  Fleet fleet = MakeFleet("6xH100-SXM5-80GB");
  Demand demand = MakeDemand("4g.40gb=2,3g.40gb=2,2g.20gb=1,1g.10gb=6");
  FleetPlan plan = MakePlan(fleet, demand);
  EXPECT_EQ(plan.gpus_used, 4);
  EXPECT_TRUE(plan.optimal);
  ExpectAppliesOnGpuState(fleet, plan);
}

TEST(Planner, DoubleMemoryOneGIsPlanned) {
  // Four 1g.20gb take all 8 memory slices of an H100; eight of them need two GPUs.
  Fleet fleet = MakeFleet("3xH100-SXM5-80GB");
  FleetPlan plan = MakePlan(fleet, MakeDemand("1g.20gb=8"));
  EXPECT_EQ(plan.gpus_used, 2);
  EXPECT_EQ(Layouts(plan), "1g.20gb x4 | 1g.20gb x4");
  EXPECT_EQ(plan.stranded_compute_slices, 6);
  ExpectAppliesOnGpuState(fleet, plan);
}

TEST(Planner, ATooSmallFleetPlacesWhatItCanAndReportsTheRest) {
  Fleet fleet = MakeFleet("2xH100-SXM5-80GB");
  Demand demand = MakeDemand("7g.80gb=3,1g.10gb=2");
  FleetPlan plan = MakePlan(fleet, demand);
  EXPECT_EQ(plan.gpus_used, 2);
  // Fewest unmet instances: one 7g plus the two 1g (3 unmet would be worse than 2).
  EXPECT_EQ(plan.unmet_total, 2);
  EXPECT_EQ(plan.unmet, (std::vector<int>{2, 0}));
  EXPECT_EQ(plan.unmet_lower_bound, 2);
  EXPECT_TRUE(plan.optimal);
  EXPECT_OK(CheckPlan(fleet, demand, plan));
}

TEST(Planner, MixedFleetUsesTheModelThatFits) {
  // 7g.80gb fits only the H100s; 1g.5gb is served by A100-40GB 1g.5gb or H100 1g.10gb.
  Fleet fleet = MakeFleet("2xH100-SXM5-80GB,2xA100-SXM4-40GB");
  Demand demand = MakeDemand("7g.80gb=2,1g.5gb=7");
  FleetPlan plan = MakePlan(fleet, demand);
  EXPECT_EQ(plan.gpus_used, 3);
  EXPECT_EQ(plan.unmet_total, 0);
  EXPECT_TRUE(plan.optimal);
  EXPECT_EQ(plan.gpus[0].model->id, "H100-SXM5-80GB");
  EXPECT_EQ(DescribeProfiles(plan.gpus[0].TargetLayout()), "7g.80gb");
  EXPECT_EQ(DescribeProfiles(plan.gpus[1].TargetLayout()), "7g.80gb");
  EXPECT_EQ(DescribeProfiles(plan.gpus[2].TargetLayout()), "1g.5gb x7");
  EXPECT_OK(CheckPlan(fleet, demand, plan));
  ExpectAppliesOnGpuState(fleet, plan);
}

TEST(Planner, NeedsPickTheSmallestFittingProfilePerModel) {
  Fleet fleet = MakeFleet("2xH100-SXM5-80GB");
  Demand demand = MakeDemand("mem>=19GiB,sms>=30,count=6");
  FleetPlan plan = MakePlan(fleet, demand);
  EXPECT_EQ(Layouts(plan), "2g.20gb x3 | 2g.20gb x3");
}

TEST(Planner, FastModeOnALargeFleetMeetsTheBound) {
  // 10,000 GPUs, 50,500 instances: the program does not grow with either.
  Fleet fleet = MakeFleet("10000xH100-SXM5-80GB");
  Demand demand =
      MakeDemand("1g.10gb=38000,2g.20gb=7000,3g.40gb=2500,4g.40gb=1500,7g.80gb=500,1g.20gb=1000");
  FleetPlan plan = MakePlan(fleet, demand, PlanMode::kFast);
  EXPECT_EQ(plan.unmet_total, 0);
  EXPECT_LE(plan.gpus_used, plan.lower_bound + 1);
  EXPECT_OK(CheckPlan(fleet, demand, plan));
  StatusOr<FleetPlan> ff = FirstFit(fleet, demand);
  ASSERT_OK(ff);
  EXPECT_GT(ff->unmet_total, 0);  // first-fit in item order runs out of GPUs
}

// Creates `profiles` one by one where the driver's automatic placement puts each (no explicit
// placements), trying every distinct creation order until one succeeds, as mig-parted does
// (mig-facts.md §4.3). The layout it reaches, or nullopt when no order works.
std::optional<Layout> AutoPlacedInSomeOrder(const GpuModel& model,
                                            std::vector<const GiProfile*> profiles) {
  auto by_id = [](const GiProfile* a, const GiProfile* b) { return a->id < b->id; };
  std::sort(profiles.begin(), profiles.end(), by_id);
  do {
    Layout layout;
    for (const GiProfile* p : profiles) {
      StatusOr<Placement> at = AutoPlacement(model, *p, layout);
      if (!at.ok()) break;
      layout.push_back({p, *at});
    }
    if (layout.size() == profiles.size()) return layout;
  } while (std::next_permutation(profiles.begin(), profiles.end(), by_id));
  return std::nullopt;
}

TEST(Planner, EveryLayoutOfAPlanIsReachableThroughTheDriversAutomaticPlacement) {
  // mig-parted's config format has no placements; `apply` creates the profiles in some order and
  // lets the driver place them. Every planned GPU's profiles must fit that way.
  //
  // Known gap (found when this test stopped falling back to explicit placements): on an H100 the
  // planner may pick 2g.20gb x2 + 1g.20gb + 1g.10gb x2, which fills all 8 units but which no
  // creation order reaches with the model's automatic order for 2-unit profiles (4, 0, 2, 6, an
  // unconfirmed row of mig-facts.md §4.3): the 1g.10gb pair would have to share one aligned pair
  // of units, and the driver puts the first 1g at 6 (start 7 does not exist). migkit's own apply
  // places explicitly and reaches it; mig-parted on a real GPU might not. The test pins the set
  // of such layouts, so that a new one fails it, and so does fixing the planner (then empty it).
  const std::set<std::string> known_unreachable = {"2g.20gb x2 + 1g.20gb + 1g.10gb x2"};
  Fleet fleet = MakeFleet("16xH100-SXM5-80GB");
  Demand demand = MakeDemand("1g.10gb=9,1g.20gb=3,2g.20gb=5,3g.40gb=5,4g.40gb=2,7g.80gb=1");
  FleetPlan plan = MakePlan(fleet, demand);
  int gpus_with_instances = 0;
  std::set<std::string> unreachable;
  for (const GpuPlan& gpu : plan.gpus) {
    std::vector<const GiProfile*> profiles;
    for (const PlannedInstance& i : gpu.instances) profiles.push_back(i.profile);
    if (!profiles.empty()) ++gpus_with_instances;
    if (!AutoPlacedInSomeOrder(*gpu.model, profiles).has_value()) {
      unreachable.insert(DescribeProfiles(gpu.TargetLayout()));
    }
  }
  EXPECT_GT(gpus_with_instances, 1);
  EXPECT_EQ(unreachable, known_unreachable);
}

TEST(Planner, AutoPlacementReachesTheDocumentedOrderAndNotTheFailingOne) {
  // The helper above is the claim's test, so test it too: NVIDIA's `-cgi 19,19,14,9` fails in its
  // own order but succeeds in another (mig-facts.md §4.3); two 4g.40gb never fit.
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  auto p = [&](const char* name) { return h100.FindProfileByName(name); };
  std::optional<Layout> layout =
      AutoPlacedInSomeOrder(h100, {p("1g.10gb"), p("1g.10gb"), p("2g.20gb"), p("3g.40gb")});
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->size(), 4u);
  EXPECT_FALSE(AutoPlacedInSomeOrder(h100, {p("4g.40gb"), p("4g.40gb")}).has_value());
}

TEST(Planner, ErrorsFromTheDemandPassThrough) {
  Fleet fleet = MakeFleet("A30-24GB");
  StatusOr<FleetPlan> plan = PlanFleet(fleet, MakeDemand("3g.40gb=1"), {});
  EXPECT_EQ(plan.status(),
            Status::InvalidArgument("demand item 1: unknown profile '3g.40gb': no GPU model in the "
                                    "fleet has it (A30-24GB offers 1g.6gb, 2g.12gb, 4g.24gb)"));
  EXPECT_CODE(PlanFleet(Fleet{}, MakeDemand("1g.10gb=1"), {}), Code::kInvalidArgument);
}

TEST(Planner, APlanAppliesOnTheEmulatedNode) {
  ScopedTempDir dir;
  EmulatorOptions options;
  options.state_dir = dir.path();
  options.spec = *ParseFleetSpec("2xH100-SXM5-80GB,2xA100-SXM4-40GB", Catalog::BuiltIn());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EmulatedNode> node,
                       EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), options));
  ASSERT_OK_AND_ASSIGN(std::vector<GpuInfo> gpus, node->Gpus());
  ASSERT_OK_AND_ASSIGN(Fleet fleet, FleetFromGpus(gpus));
  Demand demand = MakeDemand("3g.40gb=3,1g.10gb=5,2g.10gb=2,1g.5gb=4");
  FleetPlan plan = MakePlan(fleet, demand);
  ASSERT_EQ(plan.unmet_total, 0);

  for (const GpuPlan& gpu : plan.gpus) {
    if (!gpu.used()) continue;
    Status activation;
    ASSERT_OK(node->SetMigMode(gpu.index, true, &activation));
    if (!activation.ok()) {
      ASSERT_OK(node->ResetGpu(gpu.index));  // Ampere: pending until reset
    }
    for (const PlannedInstance& inst : gpu.instances) {
      ASSERT_OK(node->CreateGpuInstance(gpu.index, inst.profile->id, inst.placement.start));
    }
  }
  ASSERT_OK_AND_ASSIGN(std::vector<GpuInfo> after, node->Gpus());
  ASSERT_OK_AND_ASSIGN(Fleet applied, FleetFromGpus(after));
  for (size_t i = 0; i < plan.gpus.size(); ++i) {
    EXPECT_EQ(DescribePlacements(applied.gpus[i].current),
              DescribePlacements(plan.gpus[i].TargetLayout()))
        << "GPU " << i;
  }
  // Planning again from the node's layouts changes nothing.
  FleetPlanOptions again;
  again.replan = true;
  ASSERT_OK_AND_ASSIGN(FleetPlan replan, PlanFleet(applied, demand, again));
  EXPECT_EQ(replan.destroyed, 0);
  EXPECT_EQ(replan.created, 0);
  EXPECT_EQ(replan.kept, demand.TotalInstances());
}

}  // namespace
}  // namespace migkit
