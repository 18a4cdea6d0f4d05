#include "slurm/slurm_apply.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/strings.h"
#include "reconfig/checkpoint.h"
#include "slurm/scontrol_output.h"
#include "slurm/slurm_conf_edit.h"

namespace migkit::slurm {
namespace {

using Key = std::tuple<int, int, int>;  // GPU, GI, CI

Key KeyOf(const GresDevice& d) { return {d.gpu_index, d.gi_id, d.ci_id}; }

// Every (GPU, GI, CI) the plan destroys; a GI or mode step takes all of its CIs (-1).
std::set<Key> Destroyed(const Plan& plan) {
  std::set<Key> out;
  for (const Step& s : plan.steps) {
    switch (s.kind) {
      case StepKind::kDestroyComputeInstance:
        out.insert({s.gpu, s.gi_id, s.ci_id});
        break;
      case StepKind::kDestroyGpuInstance:
        out.insert({s.gpu, s.gi_id, -1});
        break;
      case StepKind::kSetMigMode:
      case StepKind::kResetGpu:
        out.insert({s.gpu, -1, -1});
        break;
      default:
        break;
    }
  }
  return out;
}

bool IsDestroyed(const std::set<Key>& destroyed, const GresDevice& d) {
  return destroyed.count(KeyOf(d)) > 0 || destroyed.count({d.gpu_index, d.gi_id, -1}) > 0 ||
         destroyed.count({d.gpu_index, -1, -1}) > 0;
}

class Flow {
 public:
  Flow(Backend* backend, Env* env, SlurmControl* slurm,
       const std::function<void(std::int64_t)>& sleep, const SlurmApplyOptions& options)
      : backend_(backend), env_(env), slurm_(slurm), sleep_(sleep), o_(options) {}

  SlurmApplyResult Run(const Desired& desired);

 private:
  void Log(const std::string& line) {
    if (o_.dry_run) {
      result_.steps.push_back(line);
    } else if (o_.log) {
      o_.log(line);
    }
  }
  SlurmApplyResult Refuse(Status status) {
    result_.outcome = SlurmApplyOutcome::kRefused;
    result_.status = std::move(status);
    return result_;
  }
  std::string Reason(const std::string& what) const {
    std::string r = "migkit: apply " + o_.config_name + " " + what;
    return r.size() > 200 ? r.substr(0, 197) + "..." : r;
  }
  // Leaves the node drained with `reason`; a failure to do so is added to the result's message.
  void DrainWithReason(const std::string& reason) {
    Status s = slurm_->UpdateNode(o_.node, "DRAIN", reason);
    if (!s.ok())
      result_.status = Status(result_.status.code(), result_.status.message() +
                                                         "; and the node could not be "
                                                         "drained: " +
                                                         s.message());
  }
  Status WaitForJobs(const std::vector<bool>& survive);
  Status WriteFiles(const std::string& slurm_conf, const std::string& gres_conf);
  Status RestartAndWait(const std::string& expected_gres);
  SlurmApplyResult RollBack(const std::vector<GpuInfo>& start, const Status& why);

  Backend* backend_;
  Env* env_;
  SlurmControl* slurm_;
  const std::function<void(std::int64_t)>& sleep_;
  const SlurmApplyOptions& o_;
  SlurmApplyResult result_;
  std::string original_slurm_conf_, original_gres_conf_;
};

Status Flow::WaitForJobs(const std::vector<bool>& survive) {
  const std::int64_t start = env_->NowMicros();
  for (;;) {
    StatusOr<std::string> text = slurm_->ShowJobs();
    if (!text.ok()) return text.status();
    std::vector<std::string> blocking;
    for (const JobGpus& job : ParseJobGpus(*text, o_.node)) {
      const bool safe = std::all_of(job.indices.begin(), job.indices.end(), [&](int i) {
        return i >= 0 && static_cast<std::size_t>(i) < survive.size() && survive[i];
      });
      if (!safe) blocking.push_back(job.job_id);
    }
    if (blocking.empty()) return Status::Ok();
    if (result_.jobs_waited_for.empty()) {
      result_.jobs_waited_for = blocking;
      Log("waiting for job(s) " + Join(blocking, ",") +
          ": they hold GPUs the change removes or renumbers");
    }
    if (env_->NowMicros() - start >= o_.wait_jobs_micros) {
      return Status::Timeout(
          "job(s) " + Join(blocking, ",") + " still hold GPUs of node " + o_.node +
          " that the change removes or renumbers (Slurm would kill "
          "them); waited " +
          std::to_string((env_->NowMicros() - start) / 1000000) + " s, see --wait");
    }
    sleep_(o_.poll_micros);
  }
}

Status Flow::WriteFiles(const std::string& slurm_conf, const std::string& gres_conf) {
  // gres.conf first: a slurm.conf naming the new Gres= is the switch that makes it current.
  Status s = env_->WriteFileAtomic(o_.gres_conf, gres_conf);
  if (!s.ok()) return Status(s.code(), "writing " + o_.gres_conf + ": " + s.message());
  s = env_->WriteFileAtomic(o_.slurm_conf, slurm_conf);
  if (!s.ok()) return Status(s.code(), "writing " + o_.slurm_conf + ": " + s.message());
  return Status::Ok();
}

// The "SlurmdStartTime=..." field of `scontrol show node`, which changes when slurmd registers
// after a restart ("SlurmdStartTime=None" on a node slurmctld has not heard from since its own
// restart).
std::string SlurmdStartTime(const std::string& text) {
  const std::size_t p = text.find("SlurmdStartTime=");
  return p == std::string::npos ? "" : text.substr(p, text.find_first_of(" \n", p) - p);
}

Status Flow::RestartAndWait(const std::string& expected_gres) {
  std::string slurmd_start;
  for (const char* daemon : {"slurmctld", "slurmd"}) {
    const bool ctld = std::string(daemon) == "slurmctld";
    if (!ctld) {
      // Read now, after slurmctld's restart: it may have forgotten the old start time.
      StatusOr<std::string> before = slurm_->ShowNode(o_.node);
      if (before.ok()) slurmd_start = SlurmdStartTime(*before);
    }
    Log(std::string("restart ") + daemon);
    Status s = slurm_->Restart(daemon);
    if (!s.ok()) return Status(s.code(), std::string("restarting ") + daemon + ": " + s.message());
    // Wait until slurmctld answers, or until slurmd has registered anew and responds.
    const std::int64_t start = env_->NowMicros();
    for (;;) {
      StatusOr<std::string> text = slurm_->ShowNode(o_.node);
      if (text.ok()) {
        const NodeStatus node = ParseNodeStatus(*text);
        if (node.HasFlag("INVAL")) {
          return Status::InvalidState("Slurm marked node " + o_.node + " INVAL after the " +
                                      daemon + " restart: " + node.reason);
        }
        if (ctld) break;
        const std::string now_start = SlurmdStartTime(*text);
        if (now_start != slurmd_start && now_start != "SlurmdStartTime=None" &&
            node.Base() != "DOWN" && !node.HasFlag("NOT_RESPONDING")) {
          if (GresWithoutSockets(node.gres) != expected_gres) {
            return Status::InvalidState("node " + o_.node + " came back with Gres=" + node.gres +
                                        ", expected " + expected_gres);
          }
          return Status::Ok();
        }
      }
      if (env_->NowMicros() - start >= o_.node_timeout_micros) {
        return Status::Timeout(std::string("node ") + o_.node + " did not come back within " +
                               std::to_string(o_.node_timeout_micros / 1000000) + " s of the " +
                               daemon + " restart" +
                               (text.ok() ? "" : ": " + text.status().message()));
      }
      sleep_(o_.poll_micros);
    }
  }
  return Status::Ok();
}

SlurmApplyResult Flow::RollBack(const std::vector<GpuInfo>& start, const Status& why) {
  result_.outcome = SlurmApplyOutcome::kFailed;
  std::string done = "layout";
  Status trouble;
  // The layout: exactly the one we started from.
  StatusOr<std::vector<GpuInfo>> now = backend_->Gpus();
  if (now.ok()) {
    StatusOr<std::vector<LayoutTarget>> targets =
        CheckpointTargets(MakeCheckpoint(start, env_->NowMicros()), *now);
    if (targets.ok()) {
      Desired exact;
      exact.exact = true;
      exact.layouts = *targets;
      ApplyEnv env{backend_, nullptr, env_, sleep_};
      const ApplyResult r = Apply(env, exact, ApplyOptions{});
      if (r.outcome != ApplyOutcome::kApplied && r.outcome != ApplyOutcome::kAlreadyApplied) {
        trouble = r.status.ok() ? Status::Unknown("the restore plan failed") : r.status;
      }
    } else {
      trouble = targets.status();
    }
  } else {
    trouble = now.status();
  }
  // The files: their original bytes (gres.conf emptied if it did not exist: Slurm reads none).
  Status s = WriteFiles(original_slurm_conf_, original_gres_conf_);
  if (s.ok()) {
    done += ", files";
    const std::string old_gres = result_.old_gres;
    s = RestartAndWait(old_gres);
    if (s.ok()) done += ", daemons";
  }
  if (!s.ok() && trouble.ok()) trouble = s;
  result_.status =
      Status(why.code(), why.message() + "; rolled back: " + done +
                             (trouble.ok() ? "" : "; rollback trouble: " + trouble.message()));
  DrainWithReason(Reason("failed: " + why.message() + "; rolled back"));
  return result_;
}

SlurmApplyResult Flow::Run(const Desired& desired) {
  // Held until this returns: no other reconfiguration between the snapshot and the resume. (Not
  // passed to Apply below, which would wait for this very lock.)
  std::unique_ptr<FileLock> lock;
  if (!o_.dry_run && !o_.lock_path.empty()) {
    StatusOr<std::unique_ptr<FileLock>> held = env_->Lock(o_.lock_path, /*exclusive=*/true);
    if (!held.ok()) {
      return Refuse(held.status().WithContext("cannot take the reconfiguration lock"));
    }
    lock = std::move(*held);
  }
  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  if (!gpus.ok()) return Refuse(gpus.status());
  StatusOr<std::vector<GresDevice>> before = GresDevicesOf(*gpus);
  if (!before.ok()) return Refuse(before.status());
  std::vector<BusyMark> marks;
  if (o_.busy != nullptr) {
    StatusOr<std::vector<BusyMark>> listed = o_.busy->List(env_->NowMicros());
    if (!listed.ok()) return Refuse(listed.status().WithContext("reading busy marks"));
    marks = std::move(*listed);
  }
  StatusOr<Plan> plan = PlanDesired(desired, *gpus, marks, PlanOptions{});
  if (!plan.ok()) return Refuse(plan.status());
  if (const std::vector<BusyConflict> busy = FindBusyConflicts(*plan, *gpus, marks);
      !busy.empty()) {
    std::vector<std::string> what;
    for (const BusyConflict& c : busy) what.push_back(c.step + " (busy: " + c.mark.holder + ")");
    return Refuse(Status::InUse("the change must destroy busy instances: " + Join(what, "; ") +
                                "; nothing was changed (release them with `migctl busy release`)"));
  }
  StatusOr<std::vector<GpuState>> states = SimulatePlan(*gpus, plan->steps);
  if (!states.ok()) return Refuse(states.status());
  std::vector<GpuInfo> predicted = *gpus;
  for (std::size_t i = 0; i < predicted.size(); ++i) predicted[i].state = (*states)[i];
  StatusOr<std::vector<GresDevice>> after = GresDevicesOf(predicted);
  if (!after.ok()) return Refuse(after.status());

  // Both files are read and the edit is checked before anything changes.
  Status s = env_->ReadFile(o_.slurm_conf, &original_slurm_conf_);
  if (!s.ok()) return Refuse(Status(s.code(), "reading slurm.conf: " + s.message()));
  s = env_->ReadFile(o_.gres_conf, &original_gres_conf_);
  if (!s.ok()) original_gres_conf_.clear();  // none yet: rollback leaves an empty one
  const GresConfig old_config = RenderGresConfig(*before, o_.mode, "");
  const GresConfig new_config = RenderGresConfig(*after, o_.mode, o_.node);
  result_.old_gres = old_config.node_gres;
  result_.new_gres = new_config.node_gres;
  StatusOr<std::string> new_slurm_conf =
      ReplaceNodeGres(original_slurm_conf_, o_.slurm_conf, o_.node, new_config.node_gres);
  if (!new_slurm_conf.ok()) return Refuse(new_slurm_conf.status());
  if (plan->empty() && *new_slurm_conf == original_slurm_conf_ &&
      new_config.gres_conf == original_gres_conf_) {
    result_.outcome = SlurmApplyOutcome::kAlreadyApplied;
    return result_;
  }
  const std::vector<bool> survive = IndicesThatSurvive(*before, *after, *plan);

  Log("drain node " + o_.node + " (reason: " + Reason("in progress") + ")");
  if (o_.dry_run) {
    std::vector<std::string> renumbered;
    for (std::size_t i = 0; i < survive.size(); ++i) {
      if (!survive[i]) renumbered.push_back(std::to_string(i));
    }
    Log(renumbered.empty() ? "wait for no job: every GPU index keeps its instance"
                           : "wait for the jobs holding GPU index(es) " + Join(renumbered, ",") +
                                 " (removed or renumbered)");
  } else {
    s = slurm_->UpdateNode(o_.node, "DRAIN", Reason("in progress"));
    if (!s.ok()) return Refuse(Status(s.code(), "draining node " + o_.node + ": " + s.message()));
    s = WaitForJobs(survive);
    if (!s.ok()) {
      result_.status = s;
      result_.outcome = SlurmApplyOutcome::kRefused;
      DrainWithReason(Reason("not done: " + s.message()));
      return result_;
    }
  }
  for (const Step& step : plan->steps) Log(step.Describe());
  Log("write " + o_.gres_conf);
  Log("write " + o_.slurm_conf + ": NodeName=" + o_.node + " Gres=" + old_config.node_gres +
      " -> Gres=" + new_config.node_gres);
  if (o_.dry_run) {
    Log("restart slurmctld");
    Log("restart slurmd");
    Log("resume node " + o_.node);
    result_.outcome = SlurmApplyOutcome::kPlanned;
    return result_;
  }

  // The layout. The executor rolls a failed plan back itself; the files are untouched then.
  ApplyEnv apply_env{backend_, o_.busy, env_, sleep_};
  ApplyOptions apply_options;
  apply_options.step_log = o_.log;
  const ApplyResult applied = Apply(apply_env, desired, apply_options);
  if (applied.outcome == ApplyOutcome::kFailed || applied.outcome == ApplyOutcome::kError ||
      applied.outcome == ApplyOutcome::kBusy) {
    result_.outcome = SlurmApplyOutcome::kFailed;
    std::string why =
        applied.status.ok() ? applied.report.error.message() : applied.status.message();
    if (applied.report.failed_step && *applied.report.failed_step < applied.plan.steps.size()) {
      why = applied.plan.steps[*applied.report.failed_step].Describe() + ": " + why;
    }
    result_.status =
        Status(Code::kUnknown, "the MIG change failed: " + why + "; the layout was rolled back");
    DrainWithReason(Reason("failed: " + why + "; layout rolled back"));
    return result_;
  }
  // What the GPUs really hold now (the driver may have picked other IDs than predicted).
  StatusOr<std::vector<GpuInfo>> now = backend_->Gpus();
  if (!now.ok()) return RollBack(*gpus, now.status());
  StatusOr<std::vector<GresDevice>> final_devices = GresDevicesOf(*now);
  if (!final_devices.ok()) return RollBack(*gpus, final_devices.status());
  const GresConfig final_config = RenderGresConfig(*final_devices, o_.mode, o_.node);
  result_.new_gres = final_config.node_gres;
  StatusOr<std::string> final_slurm_conf =
      ReplaceNodeGres(original_slurm_conf_, o_.slurm_conf, o_.node, final_config.node_gres);
  if (!final_slurm_conf.ok()) return RollBack(*gpus, final_slurm_conf.status());
  Log("write " + o_.gres_conf + " and " + o_.slurm_conf + " (Gres=" + final_config.node_gres + ")");
  s = WriteFiles(*final_slurm_conf, final_config.gres_conf);
  if (!s.ok()) return RollBack(*gpus, s);
  s = RestartAndWait(final_config.node_gres);
  if (!s.ok()) return RollBack(*gpus, s);
  Log("resume node " + o_.node);
  s = slurm_->UpdateNode(o_.node, "RESUME", "");
  if (!s.ok()) {
    result_.outcome = SlurmApplyOutcome::kFailed;
    result_.status = Status(s.code(), "the layout and files are changed but node " + o_.node +
                                          " could not be resumed: " + s.message());
    return result_;
  }
  // The node must end schedulable: IDLE, MIXED or ALLOCATED, responding, not drained.
  const std::int64_t start = env_->NowMicros();
  for (;;) {
    StatusOr<std::string> text = slurm_->ShowNode(o_.node);
    const NodeStatus node = text.ok() ? ParseNodeStatus(*text) : NodeStatus{};
    const std::string base = node.Base();
    if ((base == "IDLE" || base == "MIXED" || base == "ALLOCATED") && node.state == base) break;
    if (env_->NowMicros() - start >= o_.node_timeout_micros) {
      result_.outcome = SlurmApplyOutcome::kFailed;
      result_.status =
          Status::Timeout("the layout and files are changed but node " + o_.node + " is " +
                          (text.ok() ? node.state : text.status().message()) + " after the resume");
      return result_;
    }
    sleep_(o_.poll_micros);
  }
  result_.outcome = SlurmApplyOutcome::kApplied;
  return result_;
}

}  // namespace

std::vector<bool> IndicesThatSurvive(const std::vector<GresDevice>& before,
                                     const std::vector<GresDevice>& after, const Plan& plan) {
  const std::set<Key> destroyed = Destroyed(plan);
  std::vector<bool> survive(before.size(), false);
  if (before.size() != after.size()) return survive;
  for (std::size_t i = 0; i < before.size(); ++i) {
    survive[i] = KeyOf(before[i]) == KeyOf(after[i]) && !IsDestroyed(destroyed, before[i]);
  }
  return survive;
}

SlurmApplyResult SlurmApply(Backend* backend, Env* env, SlurmControl* slurm,
                            const std::function<void(std::int64_t)>& sleep, const Desired& desired,
                            const SlurmApplyOptions& options) {
  Flow flow(backend, env, slurm, sleep, options);
  return flow.Run(desired);
}

}  // namespace migkit::slurm
