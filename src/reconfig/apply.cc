#include "reconfig/apply.h"

#include <algorithm>
#include <memory>

#include "reconfig/solver.h"

namespace migkit {
namespace {

void Log(const ApplyOptions& options, const std::string& line) {
  if (options.log) options.log(line);
}

std::string Seconds(std::int64_t micros) {
  const std::int64_t s = (micros + 999999) / 1000000;
  return std::to_string(s) + "s";
}

}  // namespace

StatusOr<Plan> PlanDesired(const Desired& desired, const std::vector<GpuInfo>& gpus,
                           const std::vector<BusyMark>& marks, const PlanOptions& options) {
  if (desired.exact) return PlanChanges(gpus, desired.layouts, options);
  std::vector<LayoutTarget> layouts;
  for (const GpuTarget& t : desired.configs) {
    if (t.gpu < 0 || t.gpu >= static_cast<int>(gpus.size())) {
      return Status::InvalidArgument("GPU " + std::to_string(t.gpu) + " does not exist");
    }
    StatusOr<Solution> s = SolveLayout(gpus[static_cast<size_t>(t.gpu)], t, marks);
    if (!s.ok()) return s.status();
    layouts.push_back(std::move(s)->layout);
  }
  return PlanChanges(gpus, layouts, options);
}

std::vector<BusyConflict> FindBusyConflicts(const Plan& plan, const std::vector<GpuInfo>& gpus,
                                            const std::vector<BusyMark>& marks) {
  std::vector<BusyConflict> out;
  for (const Step& s : plan.steps) {
    if (s.kind != StepKind::kDestroyComputeInstance && s.kind != StepKind::kDestroyGpuInstance &&
        s.kind != StepKind::kResetGpu) {
      continue;
    }
    const GpuInfo& gpu = gpus[static_cast<size_t>(s.gpu)];
    const std::string& uuid = gpu.uuid;
    for (const BusyMark& m : marks) {
      bool covered = false;
      if (s.kind == StepKind::kDestroyComputeInstance) {
        covered = m.CoversCi(uuid, s.gi_id, s.ci_id);
      } else if (s.kind == StepKind::kDestroyGpuInstance) {
        covered = m.CoversGi(uuid, s.gi_id) && !m.ci_id.has_value();
      } else {
        // A reset loses every instance still there (planned only for a GPU that is empty by
        // then, or one whose MIG disable is pending with instances left).
        covered = m.gpu_uuid == uuid && gpu.state.FindGpuInstance(m.gi_id) != nullptr;
      }
      if (!covered) continue;
      const bool seen =
          std::any_of(out.begin(), out.end(), [&](const BusyConflict& c) { return c.mark == m; });
      if (!seen) out.push_back(BusyConflict{m, s.Describe()});
    }
  }
  return out;
}

ApplyResult Apply(const ApplyEnv& env, const Desired& desired, const ApplyOptions& options) {
  ApplyResult result;
  const std::int64_t begin = env.env->NowMicros();
  const std::int64_t deadline = begin + std::max<std::int64_t>(0, options.wait_micros);
  PlanOptions plan_options;
  plan_options.allow_reset = options.allow_reset;
  while (true) {
    // Held for one plan -> execute -> verify round, released while waiting for busy instances.
    std::unique_ptr<FileLock> lock;
    if (!options.lock_path.empty() && !options.dry_run) {
      StatusOr<std::unique_ptr<FileLock>> held =
          env.env->Lock(options.lock_path, /*exclusive=*/true);
      if (!held.ok()) {
        result.status = held.status().WithContext("cannot take the reconfiguration lock");
        return result;
      }
      lock = std::move(held).value();
    }
    const std::int64_t now = env.env->NowMicros();
    result.waited_micros = now - begin;
    StatusOr<std::vector<GpuInfo>> gpus = env.backend->Gpus();
    if (!gpus.ok()) {
      result.status = gpus.status();
      return result;
    }
    std::vector<BusyMark> marks;
    if (env.busy != nullptr) {
      StatusOr<std::vector<BusyMark>> listed = env.busy->List(now);
      if (!listed.ok()) {
        result.status = listed.status();
        return result;
      }
      marks = std::move(listed).value();
    }
    StatusOr<Plan> plan = PlanDesired(desired, *gpus, marks, plan_options);
    if (!plan.ok()) {
      result.status = plan.status();
      return result;
    }
    result.start = std::move(gpus).value();
    result.plan = std::move(plan).value();
    result.conflicts = FindBusyConflicts(result.plan, result.start, marks);
    if (result.plan.empty()) {
      result.outcome = ApplyOutcome::kAlreadyApplied;
      return result;
    }
    if (options.dry_run) {
      result.outcome = ApplyOutcome::kPlanned;
      return result;
    }
    if (!result.conflicts.empty() && !options.force) {
      if (now < deadline && env.sleep && !(options.stop && options.stop())) {
        Log(options, "waiting for " + std::to_string(result.conflicts.size()) + " busy instance" +
                         (result.conflicts.size() == 1 ? "" : "s") + " (" +
                         result.conflicts.front().mark.ToString() +
                         (result.conflicts.size() > 1 ? ", ..." : "") + "); " +
                         Seconds(deadline - now) + " left");
        lock.reset();
        env.sleep(std::min(options.poll_micros, deadline - now));
        continue;
      }
      result.outcome = ApplyOutcome::kBusy;
      return result;
    }
    for (const BusyConflict& c : result.conflicts) {
      Log(options, "destroying busy " + c.mark.ToString() + " (--force)");
    }
    ExecuteOptions exec;
    exec.allow_reset = options.allow_reset;
    exec.log = options.step_log;
    result.report = ExecutePlan(env.backend, result.plan, result.start, exec);
    result.outcome = result.report.ok ? ApplyOutcome::kApplied : ApplyOutcome::kFailed;
    // Marks on instances that are gone now protect nothing; drop them so a later instance that
    // reuses the ID is not mistaken for busy.
    if (env.busy != nullptr && result.report.ok) {
      StatusOr<std::vector<GpuInfo>> after = env.backend->Gpus();
      if (after.ok()) {
        StatusOr<int> removed = env.busy->RemoveStale(*after, env.env->NowMicros());
        if (removed.ok() && *removed > 0) {
          Log(options, "released " + std::to_string(*removed) + " busy mark" +
                           (*removed == 1 ? "" : "s") + " of destroyed instances");
        }
      }
    }
    return result;
  }
}

}  // namespace migkit
