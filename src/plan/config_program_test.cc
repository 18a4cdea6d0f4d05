#include "plan/config_program.h"

#include <gtest/gtest.h>

#include <cmath>

#include "catalog/catalog.h"
#include "testing/status_matchers.h"

namespace migkit::planning {
namespace {

Problem MakeProblem(const std::string& fleet, const std::string& demand) {
  StatusOr<Problem> pb =
      BuildProblem(*ParseFleet(fleet, Catalog::BuiltIn()), *ParseDemand(demand), false);
  EXPECT_TRUE(pb.ok()) << pb.status().ToString();
  return std::move(pb).value();
}

TEST(ConfigProgram, HasAColumnPerOptionAndPerServableClass) {
  const Problem pb = MakeProblem("2xH100-SXM5-80GB,A30-24GB", "7g.80gb=1,1g.6gb=2");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  ASSERT_EQ(prog->cols.z.size(), pb.groups.size());
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    EXPECT_EQ(prog->cols.z[h].size(), pb.groups[h].options.size());
  }
  // 7g.80gb exists only on the H100s, 1g.6gb only on the A30: one y column per model and class
  // that can serve it, -1 for the others.
  for (size_t m = 0; m < pb.models.size(); ++m) {
    for (size_t d = 0; d < pb.classes.size(); ++d) {
      EXPECT_EQ(prog->cols.y[m][d] >= 0, pb.class_profile[d][m] >= 0) << m << " " << d;
    }
  }
  EXPECT_EQ(prog->cols.u.size(), 2u);
  EXPECT_EQ(prog->kept_row, -1);  // nothing to keep without a re-plan
}

TEST(ConfigProgram, StagesMinimiseUnmetThenGpus) {
  // Two 7g.80gb need a GPU each and seven 1g.10gb fill a third: 3 GPUs, nothing unmet.
  const Problem pb = MakeProblem("4xH100-SXM5-80GB", "7g.80gb=2,1g.10gb=7");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  SetStage(pb, Stage::kUnmet, Limits{}, prog.get());
  LinearProgram::Result unmet = prog->lp.SolveRelaxation();
  ASSERT_EQ(unmet.outcome, LinearProgram::Outcome::kOptimal);
  EXPECT_NEAR(unmet.objective, 0, 1e-6);

  Limits limits;
  limits.max_unmet = 0;
  SetStage(pb, Stage::kGpus, limits, prog.get());
  LinearProgram::Result gpus = prog->lp.SolveRelaxation();
  ASSERT_EQ(gpus.outcome, LinearProgram::Outcome::kOptimal);
  EXPECT_NEAR(gpus.objective, 3, 1e-6);
  LinearProgram::Result integer = prog->lp.SolveInteger(10, {});
  ASSERT_EQ(integer.outcome, LinearProgram::Outcome::kOptimal);
  EXPECT_NEAR(integer.objective, 3, 1e-6);
}

TEST(ConfigProgram, ATooSmallFleetLeavesDemandUnmet) {
  const Problem pb = MakeProblem("H100-SXM5-80GB", "7g.80gb=2");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  SetStage(pb, Stage::kUnmet, Limits{}, prog.get());
  LinearProgram::Result r = prog->lp.SolveRelaxation();
  ASSERT_EQ(r.outcome, LinearProgram::Outcome::kOptimal);
  EXPECT_NEAR(r.objective, 1, 1e-6);
}

}  // namespace
}  // namespace migkit::planning
