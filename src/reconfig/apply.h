// Apply: the whole "get the GPUs there safely" loop shared by `migctl apply`, `migctl restore` and
// the schedule runner.
//
//   snapshot -> plan (solver + PlanChanges) -> busy check -> execute (with rollback)
//
// When the plan would destroy an instance covered by a busy mark, Apply refuses unless `force`;
// with a wait it polls (re-reading the GPUs and the marks, re-planning each time, so marks released
// or instances freed in the meantime are seen) until nothing busy is in the way or the wait runs
// out. Time comes from the Env clock and waiting goes through an injected sleep function, so tests
// run hours of waiting in microseconds.
//
// Everything goes through the Backend interface: the same code drives the emulator and real GPUs.
#ifndef MIGKIT_RECONFIG_APPLY_H_
#define MIGKIT_RECONFIG_APPLY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "config/target.h"
#include "env/env.h"
#include "reconfig/busy.h"
#include "reconfig/executor.h"
#include "reconfig/layout_target.h"
#include "reconfig/plan.h"

namespace migkit {

/// What to reach: config targets (the solver picks placements and what stays) or exact layouts
/// (checkpoints). Exactly one of the two is used.
struct Desired {
  bool exact = false;
  std::vector<GpuTarget> configs;     // when !exact
  std::vector<LayoutTarget> layouts;  // when exact
};

/// A destroy step the plan contains that a busy mark covers.
struct BusyConflict {
  BusyMark mark;
  std::string step;  // the step's description
};

struct ApplyOptions {
  bool dry_run = false;          // plan and check, change nothing
  bool force = false;            // destroy busy instances anyway
  std::int64_t wait_micros = 0;  // how long to wait for busy instances to be released
  std::int64_t poll_micros = 1000000;
  bool allow_reset = true;                           // see PlanOptions::allow_reset
  std::function<void(const std::string&)> log;       // waits, forced destroys; may be empty
  std::function<void(const std::string&)> step_log;  // one line per executed step; may be empty
  /// Checked while waiting for busy instances; true gives up as if the wait had run out (used on
  /// SIGTERM). May be empty.
  std::function<bool()> stop;
  /// A lock file held (exclusively, through ApplyEnv::env) from the snapshot the plan is made
  /// from until the result is verified, so that two applies never interleave: the second plans
  /// from what the first left. Empty: no lock (a single caller). Dry runs take no lock.
  std::string lock_path;
};

struct ApplyEnv {
  Backend* backend = nullptr;
  BusyStore* busy = nullptr;                       // may be null: no marks
  Env* env = nullptr;                              // the clock (NowMicros)
  std::function<void(std::int64_t micros)> sleep;  // waits; REQUIRED when wait_micros > 0
};

enum class ApplyOutcome {
  kAlreadyApplied,  // nothing to do
  kPlanned,         // dry run: the plan is in the result
  kApplied,         // every step succeeded
  kBusy,            // refused: busy instances in the way (after waiting, if asked to)
  kFailed,          // a step failed; see report (rolled back)
  kError,           // no plan could be made or the GPUs could not be read; see status
};

struct ApplyResult {
  ApplyOutcome outcome = ApplyOutcome::kError;
  Status status;               // kError: why
  std::vector<GpuInfo> start;  // the snapshot the final plan was made from
  Plan plan;
  std::vector<BusyConflict> conflicts;  // busy instances the plan destroys (or would)
  ExecutionReport report;               // kApplied / kFailed
  std::int64_t waited_micros = 0;
};

/// The plan taking `gpus` to `desired`, avoiding instances `marks` cover where it can.
StatusOr<Plan> PlanDesired(const Desired& desired, const std::vector<GpuInfo>& gpus,
                           const std::vector<BusyMark>& marks, const PlanOptions& options);

/// The destroy steps of `plan` that `marks` cover.
std::vector<BusyConflict> FindBusyConflicts(const Plan& plan, const std::vector<GpuInfo>& gpus,
                                            const std::vector<BusyMark>& marks);

/// Runs the loop described above. Never returns an error Status by itself: every outcome is in the
/// result.
ApplyResult Apply(const ApplyEnv& env, const Desired& desired, const ApplyOptions& options);

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_APPLY_H_
