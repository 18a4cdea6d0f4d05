// Creating and destroying instances: create-gi, create-ci, destroy-ci, destroy-gi.
//
// Messages follow `nvidia-smi mig` word for word (mig-facts.md §8, IDs as %2d) so scripts and
// people used to it read them the same way; after a driver error migctl adds a "reason:" line
// (migkit's explanation) and, where it knows one, a "hint:" line with the command that helps.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/create_order.h"
#include "cli/output.h"
#include "cli/profile_args.h"
#include "core/gpu_state.h"
#include "core/strings.h"

namespace migkit::cli {
namespace {

// Prints the reason line of a failed operation, and a hint when MIG is the problem.
void PrintReason(Context* ctx, const Status& s, const GpuInfo& gpu) {
  if (!s.message().empty()) ctx->Err("  reason: " + s.message() + "\n");
  if (s.code() != Code::kNotSupported || gpu.state.MigUsable()) return;
  if (!gpu.state.mig_pending) {
    ctx->Err(fmt::format("  hint: enable MIG first: migctl mig enable -i {}\n", gpu.index));
  } else {
    ctx->Err(fmt::format(
        "  hint: a MIG mode change is pending; apply it with: migctl reset -i {}\n", gpu.index));
  }
}

// The error for a GI that is not in the snapshot: NOT_SUPPORTED when MIG is not in effect (as the
// driver answers first), else NOT_FOUND naming the GIs that do exist.
Status MissingGi(const GpuInfo& gpu, int gi_id) {
  if (!gpu.state.MigUsable()) {
    return Status::NotSupported(fmt::format("MIG is not in effect on GPU {} (MIG {})", gpu.index,
                                            MigModeText(gpu.state.mig_current)));
  }
  std::vector<int> ids;
  for (const GpuInstance& gi : gpu.state.gpu_instances) ids.push_back(gi.id);
  return Status::NotFound(
      fmt::format("GPU {} has no GPU instance with ID {} ({})", gpu.index, gi_id,
                  ids.empty() ? std::string("it has none") : "existing: " + Join(ids, ", ")));
}

std::string Quoted(const std::string& list) {
  return list.find(' ') == std::string::npos ? list : "'" + list + "'";
}

// ---- create-gi -------------------------------------------------------------------------------

struct CreateGiArgs {
  std::vector<std::string> profiles;
  bool with_ci = false;
};

// Prints a created CI; one destroyed by another process before it could be read back is reported
// as created and gone (Backend::kGoneId), not as a failure.
void ReportCreatedCi(Context* ctx, const ComputeInstance& created, int gpu, int gi_id,
                     const CiProfile& ci) {
  if (created.id == Backend::kGoneId) {
    ctx->Out(fmt::format(
        "Created a compute instance on GPU {:2d} GPU instance ID {:2d} using profile MIG {} "
        "(ID {:2d}), but another process destroyed it before its ID could be read\n",
        gpu, gi_id, ci.name, ci.id));
    return;
  }
  ctx->Out(fmt::format(
      "Successfully created compute instance ID {:2d} on GPU {:2d} GPU instance ID {:2d} using "
      "profile MIG {} (ID {:2d})\n",
      created.id, gpu, gi_id, ci.name, ci.id));
}

// Creates the default CI in `gi`; prints the outcome. Returns the failure, if any.
Status CreateDefaultCi(Context* ctx, Backend* backend, const GpuInfo& gpu, const GiProfile& profile,
                       const GpuInstance& gi) {
  const CiProfile ci = DefaultCiProfile(*gpu.model, profile);
  StatusOr<ComputeInstance> created = backend->CreateComputeInstance(gpu.index, gi.id, ci.id, {});
  if (!created.ok()) {
    ctx->Err(fmt::format(
        "Unable to create a compute instance on GPU {:2d} GPU instance ID {:2d} using profile "
        "MIG {} (ID {:2d}): {}\n",
        gpu.index, gi.id, ci.name, ci.id, CodeText(created.status().code())));
    PrintReason(ctx, created.status(), gpu);
    ctx->Err(
        fmt::format("Failed to create compute instances: {}\n", CodeText(created.status().code())));
    return created.status();
  }
  ReportCreatedCi(ctx, *created, gpu.index, gi.id, ci);
  return Status::Ok();
}

ExitCode RunCreateGi(Context* ctx, const CreateGiArgs& args) {
  GpusToChange target;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpusToChange(&target));
  auto& [gpus, selected, opened] = target;
  // Resolve every profile on every GPU first, so that a typo creates nothing.
  std::vector<std::vector<GiRequest>> requests;
  for (int i : selected) {
    StatusOr<std::vector<GiRequest>> parsed =
        ParseGiRequests(args.profiles, *gpus[static_cast<size_t>(i)].model);
    if (!parsed.ok()) return ctx->UsageError(parsed.status().message());
    requests.push_back(std::move(*parsed));
  }
  for (size_t n = 0; n < selected.size(); ++n) {
    const GpuInfo& gpu = gpus[static_cast<size_t>(selected[n])];
    std::vector<int> created_ids;
    for (const GiRequest& request : requests[n]) {
      StatusOr<GpuInstance> gi =
          opened->backend->CreateGpuInstance(gpu.index, request.profile->id, request.start);
      if (!gi.ok()) {
        const Status& s = gi.status();
        ctx->Err(fmt::format("Unable to create a GPU instance on GPU {:2d} using profile {}: {}\n",
                             gpu.index, request.text, CodeText(s.code())));
        PrintReason(ctx, s, gpu);
        if (s.code() == Code::kInsufficientResources) {
          if (auto order = LargestFirstOrder(*gpu.model, gpu.state, requests[n])) {
            std::vector<std::string> items;
            for (const GiRequest& r : *order) items.push_back(r.text);
            ctx->Err(fmt::format(
                "  hint: create the larger profiles first; this order fits: migctl create-gi -i "
                "{} {}{}\n",
                gpu.index, Quoted(Join(items, ",")), args.with_ci ? " --with-ci" : ""));
            if (!created_ids.empty()) {
              ctx->Err(fmt::format(
                  "        (first destroy the GPU instances created above: migctl destroy-gi -i "
                  "{} --gi {}{})\n",
                  gpu.index, Join(created_ids, ","), args.with_ci ? " --with-ci" : ""));
            }
          }
        }
        ctx->Err(fmt::format("Failed to create GPU instances: {}\n", CodeText(s.code())));
        return ExitCodeFor(s);
      }
      if (gi->id == Backend::kGoneId) {
        // The create took effect; someone else undid it. Report both, never a failure.
        ctx->Out(
            fmt::format("Created a GPU instance on GPU {:2d} using profile MIG {} (ID {:2d}), "
                        "but another process destroyed it before its ID could be read\n",
                        gpu.index, request.profile->name, request.profile->id));
        if (args.with_ci) {
          ctx->Err(
              fmt::format("Failed to create compute instances: no GPU instance to create "
                          "them in on GPU {:2d}\n",
                          gpu.index));
          return ExitCode::kFailed;
        }
        continue;
      }
      created_ids.push_back(gi->id);
      ctx->Out(
          fmt::format("Successfully created GPU instance ID {:2d} on GPU {:2d} using profile MIG "
                      "{} (ID {:2d})\n",
                      gi->id, gpu.index, request.profile->name, request.profile->id));
      if (args.with_ci) {
        const Status ci = CreateDefaultCi(ctx, opened->backend.get(), gpu, *request.profile, *gi);
        if (!ci.ok()) return ExitCodeFor(ci);
      }
    }
  }
  return ExitCode::kOk;
}

// ---- create-ci -------------------------------------------------------------------------------

struct CreateCiArgs {
  std::vector<int> gi_ids;
  std::vector<std::string> profiles;
};

ExitCode RunCreateCi(Context* ctx, const CreateCiArgs& args) {
  GpusToChange target;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpusToChange(&target));
  auto& [gpus, selected, opened] = target;
  std::vector<std::string> tokens;
  for (const std::string& p : args.profiles) {
    for (const std::string& t : Split(p, ',')) tokens.push_back(Trim(t));
  }
  for (int i : selected) {
    const GpuInfo& gpu = gpus[static_cast<size_t>(i)];
    for (int gi_id : args.gi_ids) {
      const GpuInstance* gi = gpu.state.FindGpuInstance(gi_id);
      const GiProfile* gi_profile =
          gi != nullptr ? gpu.model->FindProfileById(gi->profile_id) : nullptr;
      if (gi_profile == nullptr) {
        const Status s = MissingGi(gpu, gi_id);
        ctx->Err(fmt::format(
            "Unable to create a compute instance on GPU {:2d} GPU instance ID {:2d}: {}\n", i,
            gi_id, CodeText(s.code())));
        PrintReason(ctx, s, gpu);
        ctx->Err(fmt::format("Failed to create compute instances: {}\n", CodeText(s.code())));
        return ExitCodeFor(s);
      }
      std::vector<CiProfile> profiles;
      if (tokens.empty()) profiles.push_back(DefaultCiProfile(*gpu.model, *gi_profile));
      for (const std::string& token : tokens) {
        StatusOr<CiProfile> ci = ResolveCiProfile(token, *gpu.model, *gi_profile);
        if (!ci.ok()) return ctx->UsageError(ci.status().message());
        profiles.push_back(*ci);
      }
      for (const CiProfile& ci : profiles) {
        StatusOr<ComputeInstance> created =
            opened->backend->CreateComputeInstance(i, gi_id, ci.id, {});
        if (!created.ok()) {
          const Status& s = created.status();
          ctx->Err(fmt::format(
              "Unable to create a compute instance on GPU {:2d} GPU instance ID {:2d} using "
              "profile MIG {} (ID {:2d}): {}\n",
              i, gi_id, ci.name, ci.id, CodeText(s.code())));
          PrintReason(ctx, s, gpu);
          ctx->Err(fmt::format("Failed to create compute instances: {}\n", CodeText(s.code())));
          return ExitCodeFor(s);
        }
        ReportCreatedCi(ctx, *created, i, gi_id, ci);
      }
    }
  }
  return ExitCode::kOk;
}

// ---- destroy-ci / destroy-gi -----------------------------------------------------------------

// Destroys the CIs `ci_ids` of GI `gi_id`; prints each outcome. Returns the first failure.
Status DestroyCis(Context* ctx, Backend* backend, const GpuInfo& gpu, int gi_id,
                  const std::vector<int>& ci_ids) {
  Status first;
  for (int ci_id : ci_ids) {
    const Status s = backend->DestroyComputeInstance(gpu.index, gi_id, ci_id);
    if (!s.ok()) {
      ctx->Err(fmt::format(
          "Unable to destroy compute instance ID {:2d} from GPU {:2d} GPU instance ID {:2d}: {}\n",
          ci_id, gpu.index, gi_id, CodeText(s.code())));
      PrintReason(ctx, s, gpu);
      if (first.ok()) first = s;
      continue;
    }
    ctx->Out(fmt::format(
        "Successfully destroyed compute instance ID {:2d} from GPU {:2d} GPU instance ID {:2d}\n",
        ci_id, gpu.index, gi_id));
  }
  return first;
}

struct DestroyCiArgs {
  std::vector<int> gi_ids;
  std::vector<int> ci_ids;
  bool all = false;
};

// `ids` without repeats, in first-seen order: naming an instance twice means it once (as `-i 0,0`
// does for GPUs), rather than failing on the second attempt.
std::vector<int> Unique(const std::vector<int>& ids) {
  std::vector<int> out;
  for (int id : ids) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

ExitCode RunDestroyCi(Context* ctx, const DestroyCiArgs& args) {
  // As `nvidia-smi mig -dci`: no --gi means every GPU instance, no --ci every compute instance.
  const bool all = args.all || args.ci_ids.empty();
  const std::vector<int> ci_ids = Unique(args.ci_ids);
  GpusToChange target;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpusToChange(&target));
  auto& [gpus, selected, opened] = target;
  Status first;
  for (int i : selected) {
    const GpuInfo& gpu = gpus[static_cast<size_t>(i)];
    std::vector<int> gi_ids = Unique(args.gi_ids);
    if (args.gi_ids.empty()) {
      for (const GpuInstance& gi : gpu.state.gpu_instances) gi_ids.push_back(gi.id);
    }
    for (int gi_id : gi_ids) {
      const GpuInstance* gi = gpu.state.FindGpuInstance(gi_id);
      if (gi == nullptr) {
        const Status s = MissingGi(gpu, gi_id);
        ctx->Err(fmt::format(
            "Unable to destroy compute instances from GPU {:2d} GPU instance ID {:2d}: {}\n", i,
            gi_id, CodeText(s.code())));
        PrintReason(ctx, s, gpu);
        if (first.ok()) first = s;
        continue;
      }
      std::vector<int> targets = ci_ids;
      if (all) {
        for (const ComputeInstance& ci : gi->compute_instances) targets.push_back(ci.id);
        if (targets.empty()) {
          ctx->Out(fmt::format(
              "No compute instances to destroy on GPU {:2d} GPU instance ID {:2d}\n", i, gi_id));
        }
      }
      const Status s = DestroyCis(ctx, opened->backend.get(), gpu, gi_id, targets);
      if (first.ok() && !s.ok()) first = s;
    }
  }
  if (first.ok()) return ExitCode::kOk;
  ctx->Err(fmt::format("Failed to destroy compute instances: {}\n", CodeText(first.code())));
  return ExitCodeFor(first);
}

struct DestroyGiArgs {
  std::vector<int> gi_ids;
  bool all = false;
  bool with_ci = false;
};

ExitCode RunDestroyGi(Context* ctx, const DestroyGiArgs& args) {
  if (args.all == !args.gi_ids.empty()) {
    return ctx->UsageError("give the GPU instances to destroy with --gi ID[,ID...] or --all");
  }
  GpusToChange target;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpusToChange(&target));
  auto& [gpus, selected, opened] = target;
  Status first;
  const auto fail = [&](const Status& s) {
    if (first.ok()) first = s;
  };
  for (int i : selected) {
    const GpuInfo& gpu = gpus[static_cast<size_t>(i)];
    std::vector<int> targets = Unique(args.gi_ids);
    if (args.all) {
      for (const GpuInstance& gi : gpu.state.gpu_instances) targets.push_back(gi.id);
      if (targets.empty()) {
        ctx->Out(fmt::format("No GPU instances to destroy on GPU {:2d}\n", i));
      }
    }
    for (int gi_id : targets) {
      const GpuInstance* gi = gpu.state.FindGpuInstance(gi_id);
      if (gi == nullptr) {
        const Status s = MissingGi(gpu, gi_id);
        ctx->Err(fmt::format("Unable to destroy GPU instance ID {:2d} from GPU {:2d}: {}\n", gi_id,
                             i, CodeText(s.code())));
        PrintReason(ctx, s, gpu);
        fail(s);
        continue;
      }
      if (args.with_ci && !gi->compute_instances.empty()) {
        std::vector<int> cis;
        for (const ComputeInstance& ci : gi->compute_instances) cis.push_back(ci.id);
        const Status s = DestroyCis(ctx, opened->backend.get(), gpu, gi_id, cis);
        if (!s.ok()) {
          fail(s);
          continue;
        }
      }
      const Status s = opened->backend->DestroyGpuInstance(i, gi_id);
      if (!s.ok()) {
        ctx->Err(fmt::format("Unable to destroy GPU instance ID {:2d} from GPU {:2d}: {}\n", gi_id,
                             i, CodeText(s.code())));
        if (s.code() == Code::kInUse && !gi->compute_instances.empty()) {
          // The driver's reason is the CIs; say so once, with the command that removes them.
          ctx->Err(
              fmt::format("  hint: it still has {} compute instance(s); destroy them first: migctl "
                          "destroy-ci -i {} --gi {} --all (or pass --with-ci)\n",
                          gi->compute_instances.size(), i, gi_id));
        } else {
          PrintReason(ctx, s, gpu);
        }
        fail(s);
        continue;
      }
      ctx->Out(
          fmt::format("Successfully destroyed GPU instance ID {:2d} from GPU {:2d}\n", gi_id, i));
    }
  }
  if (first.ok()) return ExitCode::kOk;
  ctx->Err(fmt::format("Failed to destroy GPU instances: {}\n", CodeText(first.code())));
  return ExitCodeFor(first);
}

// --gi/--ci: instance IDs, comma-separated or with the option repeated. No extra arguments, so
// that the positional profiles after the option are not taken for IDs.
CLI::Option* AddIdListOption(CLI::App* app, const std::string& name, std::vector<int>* ids,
                             const std::string& description) {
  return app->add_option(name, *ids, description)
      ->delimiter(',')
      ->type_name("ID[,ID...]")
      ->allow_extra_args(false);
}

}  // namespace

Handler ConfigureCreateGi(CLI::App* app, Context* ctx) {
  auto args = std::make_shared<CreateGiArgs>();
  app->add_option("profiles", args->profiles,
                  "GPU instance profiles to create, in order: a name (3g.40gb, 'MIG 3g.40gb', "
                  "case-insensitive) or a profile ID (9), each optionally with :START, the "
                  "placement start (9:4); comma-separated or as separate arguments")
      ->required()
      ->type_name("PROFILE[:START][,...]");
  app->add_flag("-C,--with-ci", args->with_ci,
                "Also create the default compute instance in each new GPU instance");
  AddGpuOption(app, ctx);
  AddVerboseFlag(app, ctx);
  SetExamples(
      app,
      "  migctl create-gi -i 0 9,19,14,19        # A100: 3g.20gb, 1g.5gb, 2g.10gb, 1g.5gb\n"
      "  migctl create-gi -i 0 3g.40gb:4 -C      # at placement 4:4, with its default CI\n"
      "Creation stops at the first failure. Without :START the driver picks the placement,\n"
      "so create the larger profiles first; when a list fails only because of its order,\n"
      "migctl prints an order that fits.");
  return [ctx, args] { return RunCreateGi(ctx, *args); };
}

Handler ConfigureCreateCi(CLI::App* app, Context* ctx) {
  auto args = std::make_shared<CreateCiArgs>();
  AddIdListOption(app, "--gi", &args->gi_ids, "GPU instance(s) to create the compute instances in")
      ->required();
  app->add_option("profiles", args->profiles,
                  "Compute instance profiles: a name (1c.3g.40gb; the GPU instance's own name, "
                  "e.g. 3g.40gb, for the one spanning it) or a CI profile ID; comma-separated. "
                  "Default: the GPU instance's default profile (the one --with-ci creates)")
      ->type_name("PROFILE[,...]");
  AddGpuOption(app, ctx);
  AddVerboseFlag(app, ctx);
  SetExamples(app,
              "  migctl create-ci -i 0 --gi 2                  # the default CI of GI 2\n"
              "  migctl create-ci -i 0 --gi 2 1c.3g.40gb,1c.3g.40gb");
  return [ctx, args] { return RunCreateCi(ctx, *args); };
}

Handler ConfigureDestroyCi(CLI::App* app, Context* ctx) {
  auto args = std::make_shared<DestroyCiArgs>();
  AddIdListOption(app, "--gi", &args->gi_ids,
                  "GPU instance(s) whose compute instances to destroy (default: every one)");
  CLI::Option* ci = AddIdListOption(app, "--ci", &args->ci_ids, "Compute instance(s) to destroy");
  CLI::Option* all = app->add_flag(
      "--all", args->all, "Destroy every compute instance of the GIs (the default without --ci)");
  ci->excludes(all);
  AddGpuOption(app, ctx);
  AddVerboseFlag(app, ctx);
  SetExamples(app,
              "  migctl destroy-ci -i 0 --gi 1 --ci 0\n"
              "  migctl destroy-ci -i 0 --gi 1,2 --all\n"
              "  migctl destroy-ci -i 0                   # every compute instance on GPU 0");
  return [ctx, args] { return RunDestroyCi(ctx, *args); };
}

Handler ConfigureDestroyGi(CLI::App* app, Context* ctx) {
  auto args = std::make_shared<DestroyGiArgs>();
  CLI::Option* gi = AddIdListOption(app, "--gi", &args->gi_ids, "GPU instance(s) to destroy");
  CLI::Option* all = app->add_flag("--all", args->all, "Destroy every GPU instance");
  gi->excludes(all);
  app->add_flag("-r,--with-ci,--recursive", args->with_ci,
                "Destroy the compute instances of each GPU instance first. Without it, a GPU "
                "instance that still has compute instances is not destroyed ('In use by another "
                "client'), as with nvidia-smi");
  AddGpuOption(app, ctx);
  AddVerboseFlag(app, ctx);
  SetExamples(
      app,
      "  migctl destroy-gi -i 0 --gi 1\n"
      "  migctl destroy-gi -i 0 --all --with-ci    # empty GPU 0 completely\n"
      "Every named GPU instance is tried; the exit status is 1 if any could not be destroyed.");
  return [ctx, args] { return RunDestroyGi(ctx, *args); };
}

}  // namespace migkit::cli
