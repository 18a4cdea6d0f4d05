// Executor: runs a plan through a Backend and, when a step fails, puts every GPU the plan touched
// back to its starting layout.
//
// Rollback is planned like any other change: the starting snapshot is the exact target
// (CurrentLayout), so what the failed plan created is destroyed and what it destroyed is created
// again at the same placements - hence with the same GI IDs (which follow from placements,
// mig-facts.md §4.2) and, on the emulator and every driver observed, the same MIG UUIDs. CIs are
// recreated in ID order so the driver's lowest-free-ID rule hands back their IDs. The report says
// which step failed and why, what the rollback did, and whether the GPUs are exactly as before.
#ifndef MIGKIT_RECONFIG_EXECUTOR_H_
#define MIGKIT_RECONFIG_EXECUTOR_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "reconfig/plan.h"

namespace migkit {

struct ExecuteOptions {
  /// Whether the rollback may reset a GPU (only ever one that is empty by then). Pass the same
  /// value the plan was made with.
  bool allow_reset = true;
  /// Called with one line per step done, failed or rolled back; may be empty.
  std::function<void(const std::string&)> log;
};

struct ExecutionReport {
  bool ok = false;                       // every step succeeded
  size_t steps_done = 0;                 // plan steps that succeeded
  std::optional<size_t> failed_step;     // index into plan.steps of the step that failed
  Status error;                          // why it failed (OK when ok)
  bool rolled_back = false;              // a rollback was attempted
  Status rollback_status;                // OK when every rollback step succeeded
  std::vector<Step> rollback_steps;      // the rollback's steps that were carried out
  bool restored = false;                 // after a rollback: every touched GPU equals its start
  std::vector<std::string> differences;  // after a rollback that did not restore: what differs
  std::vector<std::string> notes;        // things to know that are not failures

  /// A few lines for people: what failed, what the rollback did, where the GPUs are now.
  std::string Summary(const Plan& plan) const;
};

/// Runs `plan`, which was made from the snapshot `start`. Never throws; every outcome is in the
/// report. REQUIRES: `start` is the snapshot the plan was made from.
ExecutionReport ExecutePlan(Backend* backend, const Plan& plan, const std::vector<GpuInfo>& start,
                            const ExecuteOptions& options = {});

/// Differences between two states of one GPU, one line each ("GI 2 (3g.40gb at 4:4) is missing");
/// empty when equal.
std::vector<std::string> DescribeDifferences(const GpuModel& model, const GpuState& want,
                                             const GpuState& have);

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_EXECUTOR_H_
