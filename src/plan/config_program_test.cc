#include "plan/config_program.h"

#include <gtest/gtest.h>

#include <cmath>

#include "plan/test_problem.h"

namespace migkit::planning {
namespace {

// The optimum of `stage`'s LP relaxation under `limits` (expected to exist).
double RelaxedOptimum(const Problem& pb, Stage stage, const Limits& limits, Program* prog) {
  SetStage(pb, stage, limits, prog);
  const LinearProgram::Result r = prog->lp.SolveRelaxation();
  EXPECT_EQ(r.outcome, LinearProgram::Outcome::kOptimal);
  return r.objective;
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
  EXPECT_NEAR(RelaxedOptimum(pb, Stage::kUnmet, Limits{}, prog.get()), 0, 1e-6);
  Limits limits;
  limits.max_unmet = 0;
  EXPECT_NEAR(RelaxedOptimum(pb, Stage::kGpus, limits, prog.get()), 3, 1e-6);
  LinearProgram::Result integer = prog->lp.SolveInteger(10, {});
  ASSERT_EQ(integer.outcome, LinearProgram::Outcome::kOptimal);
  EXPECT_NEAR(integer.objective, 3, 1e-6);
}

TEST(ConfigProgram, ATooSmallFleetLeavesDemandUnmet) {
  const Problem pb = MakeProblem("H100-SXM5-80GB", "7g.80gb=2");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  EXPECT_NEAR(RelaxedOptimum(pb, Stage::kUnmet, Limits{}, prog.get()), 1, 1e-6);
}

}  // namespace
}  // namespace migkit::planning
