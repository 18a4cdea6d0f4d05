// For the planner's unit tests only: the planning problem of a fleet spec and a demand string.
#ifndef MIGKIT_PLAN_TEST_PROBLEM_H_
#define MIGKIT_PLAN_TEST_PROBLEM_H_

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "catalog/catalog.h"
#include "plan/plan_problem.h"

namespace migkit::planning {

/// The problem of planning `fleet` (e.g. "4xH100-SXM5-80GB") for `demand` ("7g.80gb=2"); a
/// failed expectation, and an empty problem, when either does not parse or the demand does not
/// resolve.
inline Problem MakeProblem(const std::string& fleet, const std::string& demand,
                           bool replan = false) {
  StatusOr<Fleet> f = ParseFleet(fleet, Catalog::BuiltIn());
  StatusOr<Demand> d = ParseDemand(demand);
  EXPECT_TRUE(f.ok() && d.ok()) << fleet << " / " << demand;
  if (!f.ok() || !d.ok()) return {};
  StatusOr<Problem> pb = BuildProblem(*f, *d, replan);
  EXPECT_TRUE(pb.ok()) << pb.status().ToString();
  return pb.ok() ? std::move(pb).value() : Problem{};
}

}  // namespace migkit::planning

#endif  // MIGKIT_PLAN_TEST_PROBLEM_H_
