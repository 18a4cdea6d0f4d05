// SlurmApply: a MIG layout change on a node that Slurm schedules, made safely
// (`migctl slurm apply`, docs/slurm.md).
//
//   drain -> wait for the jobs that hold GPUs the change removes -> apply with migkit's minimal
//   plan -> write gres.conf and the node's Gres= in slurm.conf -> restart slurmctld, then slurmd
//   -> wait for slurmd to register -> resume
//
// Slurm 22.05 keeps no running job through a change of the node's GPU count: on restart
// slurmctld kills (requeues) every job on the node ("gres/gpu count mismatch"), and it tracks a
// job's GPUs by their index in the node's GRES list. So a job may keep running only when the
// number of GRES records stays the same and the instance at each index it holds is kept; any
// other job holding GPUs on the node must end first (verified with the daemons in tests/slurm).
// `scontrol reconfigure` does not make slurmctld take a new Gres= count: it must restart.
//
// Busy marks and the reconfiguration lock are migctl apply's (SlurmApplyOptions).
//
// On a failure after the layout changed, the layout is put back (exactly, from a checkpoint taken
// first), the files get their original bytes, both daemons restart, and the node stays drained
// with a reason saying what happened. Slurm is reached only through SlurmControl, files through
// Env, GPUs through Backend: tests run the whole flow on an emulated node with a fake Slurm.
#ifndef MIGKIT_SLURM_SLURM_APPLY_H_
#define MIGKIT_SLURM_SLURM_APPLY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "env/env.h"
#include "reconfig/apply.h"
#include "slurm/gres_config.h"

namespace migkit::slurm {

/// What SlurmApply asks of Slurm. The real one runs scontrol and the site's restart command.
class SlurmControl {
 public:
  SlurmControl() = default;
  SlurmControl(const SlurmControl&) = delete;
  SlurmControl& operator=(const SlurmControl&) = delete;
  virtual ~SlurmControl() = default;

  /// The output of `scontrol show node NODE`.
  virtual StatusOr<std::string> ShowNode(const std::string& node) = 0;
  /// The output of `scontrol -d show job` (every job).
  virtual StatusOr<std::string> ShowJobs() = 0;
  /// `scontrol update nodename=NODE state=STATE [reason=REASON]`.
  virtual Status UpdateNode(const std::string& node, const std::string& state,
                            const std::string& reason) = 0;
  /// Restarts "slurmctld" or "slurmd"; returns when the restart command has finished.
  virtual Status Restart(const std::string& daemon) = 0;
};

struct SlurmApplyOptions {
  std::string node;        // the node's Slurm name
  std::string slurm_conf;  // path of slurm.conf
  std::string gres_conf;   // path of gres.conf
  GresConfMode mode = GresConfMode::kAutoDetectNvml;
  std::string config_name;            // for messages and the drain reason
  bool dry_run = false;               // print the steps, change nothing (not even the node's state)
  std::int64_t wait_jobs_micros = 0;  // how long to wait for jobs that must end first
  std::int64_t node_timeout_micros = 60000000;  // for slurmctld / slurmd to come back
  std::int64_t poll_micros = 500000;
  std::function<void(const std::string&)> log;  // one line per step; may be empty
  /// Busy marks (`migctl busy`): the plan avoids marked instances where it can, and a change
  /// that must destroy one is refused before the node is drained. May be null: no marks.
  BusyStore* busy = nullptr;
  /// The reconfiguration lock that migctl apply, schedule and the Kubernetes agent take: held
  /// from the first snapshot to the resume, so nothing else changes the GPUs meanwhile. Empty:
  /// no lock. Dry runs take none.
  std::string lock_path;
};

enum class SlurmApplyOutcome {
  kAlreadyApplied,  // layout and files already as asked: nothing done
  kPlanned,         // dry run
  kApplied,         // node resumed with the new layout
  kRefused,         // nothing changed (bad file, jobs did not end in time); node maybe drained
  kFailed,          // a step failed after the layout changed: everything rolled back, drained
};

struct SlurmApplyResult {
  SlurmApplyOutcome outcome = SlurmApplyOutcome::kRefused;
  Status status;                   // kRefused / kFailed: why
  std::vector<std::string> steps;  // kPlanned: every step, in order
  std::string old_gres, new_gres;  // the node's Gres= before and after
  std::vector<std::string> jobs_waited_for;
};

/// The GRES indices (positions in `before`, the plugin's order) whose device is the same, kept
/// instance at the same position in `after` with the same number of records; a job holding only
/// such indices survives the restart.
std::vector<bool> IndicesThatSurvive(const std::vector<GresDevice>& before,
                                     const std::vector<GresDevice>& after, const Plan& plan);

/// Runs the flow above. Never throws; every outcome is in the result.
SlurmApplyResult SlurmApply(Backend* backend, Env* env, SlurmControl* slurm,
                            const std::function<void(std::int64_t)>& sleep, const Desired& desired,
                            const SlurmApplyOptions& options);

}  // namespace migkit::slurm

#endif  // MIGKIT_SLURM_SLURM_APPLY_H_
