// migctl busy add|release|list: mark instances that must not be destroyed (reconfig/busy.h).
// apply, restore and schedules respect the marks (commands_config.cc, commands_schedule.cc).
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/input.h"
#include "cli/output.h"
#include "core/strings.h"
#include "env/env.h"
#include "reconfig/busy.h"

namespace migkit::cli {
namespace {

// ---- busy --------------------------------------------------------------------------------------

struct BusyArgs {
  std::string instance;  // MIG UUID, or GI ID with -i
  std::optional<int> ci;
  std::string holder;
  std::string duration;
  bool all_holders = false;
};

// Resolves the instance a busy command names: "MIG-..." or a GI ID (with -i naming one GPU).
ExitCode ResolveInstance(Context* ctx, const BusyArgs& args, std::string* gpu_uuid, int* gi,
                         std::optional<int>* ci, const std::vector<GpuInfo>& gpus,
                         bool must_exist) {
  if (args.instance.rfind("MIG-", 0) == 0) {
    if (!ctx->gpu_args.empty() || args.ci.has_value()) {
      return ctx->UsageError("give either a MIG UUID or -i GPU GI [--ci CI], not both");
    }
    for (const GpuInfo& g : gpus) {
      for (const auto& [key, uuid] : g.mig_uuids) {
        if (uuid == args.instance) {
          *gpu_uuid = g.uuid;
          *gi = key.first;
          *ci = key.second;
          return ExitCode::kOk;
        }
      }
    }
    return ctx->UsageError("no MIG device has UUID " + args.instance + " (see `migctl instances`)");
  }
  int id = 0;
  if (!ParseNonNegativeInt(args.instance, &id)) {
    return ctx->UsageError("'" + args.instance + "' is neither a MIG UUID nor a GPU instance ID");
  }
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpus(gpus, &selected));
  if (ctx->gpu_args.empty() || selected.size() != 1) {
    return ctx->UsageError("name the GPU of GPU instance " + args.instance + " with -i (one GPU)");
  }
  const GpuInfo& g = gpus[static_cast<size_t>(selected.front())];
  const GpuInstance* found = g.state.FindGpuInstance(id);
  if (must_exist && found == nullptr) {
    return ctx->UsageError(fmt::format(
        "GPU {} has no GPU instance {} (see `migctl instances -i {}`)", g.index, id, g.index));
  }
  if (must_exist && args.ci.has_value()) {
    bool ci_found = false;
    for (const ComputeInstance& c : found->compute_instances) ci_found |= c.id == *args.ci;
    if (!ci_found) {
      return ctx->UsageError(fmt::format("GPU instance {} on GPU {} has no compute instance {}", id,
                                         g.index, *args.ci));
    }
  }
  *gpu_uuid = g.uuid;
  *gi = id;
  *ci = args.ci;
  return ExitCode::kOk;
}

ExitCode RunBusyAdd(Context* ctx, const BusyArgs& args) {
  std::int64_t for_micros = 0;
  if (!args.duration.empty() && (!ParseWait(args.duration, &for_micros) || for_micros <= 0)) {
    return ctx->UsageError("--for: '" + args.duration + "' is not a duration such as 30m or 8h");
  }
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  BusyMark mark;
  MIGCTL_RETURN_IF_FAILED(
      ResolveInstance(ctx, args, &mark.gpu_uuid, &mark.gi_id, &mark.ci_id, gpus, true));
  mark.holder = args.holder;
  const std::int64_t now = Env::Default()->NowMicros();
  mark.created_micros = now;
  if (for_micros > 0) mark.expires_micros = now + for_micros;
  BusyStore store(Env::Default(), BusyDir());
  const Status s = store.Add(mark, now);
  if (!s.ok()) return ctx->FailStatus(s, "cannot record the busy mark");
  ctx->Out("Marked busy: " + mark.ToString() + "\n");
  return ExitCode::kOk;
}

ExitCode RunBusyRelease(Context* ctx, const BusyArgs& args) {
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  std::string uuid;
  int gi = 0;
  std::optional<int> ci;
  MIGCTL_RETURN_IF_FAILED(ResolveInstance(ctx, args, &uuid, &gi, &ci, gpus, false));
  BusyStore store(Env::Default(), BusyDir());
  StatusOr<int> removed = store.Remove(uuid, gi, ci, args.holder, Env::Default()->NowMicros());
  if (!removed.ok()) return ctx->FailStatus(removed.status(), "cannot update the busy marks");
  if (*removed == 0) {
    return ctx->Fail(ExitCode::kFailed,
                     fmt::format("no busy mark on {} GI {}{}{}", uuid, gi,
                                 ci.has_value() ? fmt::format(" CI {}", *ci) : "",
                                 args.holder.empty() ? "" : " held by " + args.holder));
  }
  ctx->Out(fmt::format("Released {} busy mark{}\n", *removed, *removed == 1 ? "" : "s"));
  return ExitCode::kOk;
}

ExitCode RunBusyList(Context* ctx) {
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  BusyStore store(Env::Default(), BusyDir());
  StatusOr<std::vector<BusyMark>> marks = store.List(Env::Default()->NowMicros());
  if (!marks.ok()) return ctx->FailStatus(marks.status(), "cannot read the busy marks");
  auto locate = [&](const BusyMark& m, std::string* gpu, std::string* profile, std::string* uuid) {
    *gpu = "?";
    *profile = "(gone)";
    for (const GpuInfo& g : gpus) {
      if (g.uuid != m.gpu_uuid) continue;
      *gpu = std::to_string(g.index);
      const GpuInstance* gi = g.state.FindGpuInstance(m.gi_id);
      if (gi == nullptr) return;
      const GiProfile* p = g.model->FindProfileById(gi->profile_id);
      *profile = p ? p->name : "?";
      if (m.ci_id.has_value()) {
        auto it = g.mig_uuids.find({m.gi_id, *m.ci_id});
        *uuid = it == g.mig_uuids.end() ? "(gone)" : it->second;
      }
    }
  };
  if (ctx->json) {
    nlohmann::json list = nlohmann::json::array();
    for (const BusyMark& m : *marks) {
      std::string gpu, profile, uuid;
      locate(m, &gpu, &profile, &uuid);
      list.push_back(
          {{"gpu", gpu == "?" ? nlohmann::json() : nlohmann::json(std::stoi(gpu))},
           {"gpu_uuid", m.gpu_uuid},
           {"gi_id", m.gi_id},
           {"ci_id", m.ci_id.has_value() ? nlohmann::json(*m.ci_id) : nlohmann::json()},
           {"profile", profile},
           {"mig_uuid", uuid.empty() ? nlohmann::json() : nlohmann::json(uuid)},
           {"holder", m.holder},
           {"since", FormatUtc(m.created_micros)},
           {"expires", m.expires_micros.has_value() ? nlohmann::json(FormatUtc(*m.expires_micros))
                                                    : nlohmann::json()}});
    }
    return ctx->PrintJson({{"marks", list}});
  }
  if (marks->empty()) {
    ctx->Out("No instance is marked busy.\n");
    return ExitCode::kOk;
  }
  Table table({"GPU", "GI", "CI", "PROFILE", "HOLDER", "SINCE", "EXPIRES", "MIG UUID"},
              {true, true, true});
  for (const BusyMark& m : *marks) {
    std::string gpu, profile, uuid;
    locate(m, &gpu, &profile, &uuid);
    table.AddRow({gpu, std::to_string(m.gi_id),
                  m.ci_id.has_value() ? std::to_string(*m.ci_id) : "all", profile,
                  m.holder.empty() ? "-" : m.holder, FormatUtc(m.created_micros),
                  m.expires_micros.has_value() ? FormatUtc(*m.expires_micros) : "never",
                  uuid.empty() ? "-" : uuid});
  }
  ctx->Out(table.Render());
  return ExitCode::kOk;
}

}  // namespace

Handler ConfigureBusy(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  auto args = std::make_shared<BusyArgs>();
  CLI::App* add = app->add_subcommand("add", "Mark an instance busy: plans will not destroy it.");
  add->add_option("instance", args->instance, "A MIG device UUID, or a GPU instance ID with -i")
      ->required()
      ->type_name("MIG-UUID|GI");
  add->add_option("--ci", args->ci, "Only this compute instance of the GPU instance")
      ->type_name("CI");
  add->add_option("--holder", args->holder, "Who holds it: a job ID, a user (free text)")
      ->type_name("TEXT");
  add->add_option("--for", args->duration, "Let the mark expire after this long (30m, 8h)")
      ->type_name("DURATION");
  AddGpuOption(add, ctx, "the GPU of a GI ID; one GPU");
  SetExamples(add,
              "  migctl busy add MIG-5a1f2c3d-... --holder job-42 --for 8h\n"
              "  migctl busy add 3 -i 0 --holder alice        # GPU instance 3 on GPU 0");
  CLI::App* release = app->add_subcommand("release", "Remove busy marks from an instance.");
  release->add_option("instance", args->instance, "A MIG device UUID, or a GPU instance ID with -i")
      ->required()
      ->type_name("MIG-UUID|GI");
  release->add_option("--ci", args->ci, "Only marks on this compute instance")->type_name("CI");
  release->add_option("--holder", args->holder, "Only marks of this holder (default: any)")
      ->type_name("TEXT");
  AddGpuOption(release, ctx, "the GPU of a GI ID; one GPU");
  SetExamples(release, "  migctl busy release MIG-5a1f2c3d-...\n  migctl busy release 3 -i 0");
  CLI::App* list = app->add_subcommand("list", "List busy marks in force.");
  AddJsonFlag(list, ctx);
  SetExamples(list, "  migctl busy list");
  for (CLI::App* sub : {add, release, list}) AddVerboseFlag(sub, ctx);
  SetExamples(app,
              "  migctl busy add MIG-5a1f2c3d-... --holder job-42\n"
              "  migctl busy list\n"
              "  migctl busy release MIG-5a1f2c3d-...\n"
              "Marks are kept in busy.json in the state directory ($MIGKIT_STATE_DIR). apply,\n"
              "restore and schedules avoid destroying marked instances, refuse when they must\n"
              "(unless --force), or wait for them with --wait.");
  return [=]() -> ExitCode {
    if (add->parsed()) return RunBusyAdd(ctx, *args);
    if (release->parsed()) return RunBusyRelease(ctx, *args);
    return RunBusyList(ctx);
  };
}

}  // namespace migkit::cli
