// Read-only commands: status, gpus, profiles, placements, instances.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/status_view.h"
#include "core/geometry.h"
#include "core/gpu_state.h"

namespace migkit::cli {
namespace {

// The snapshot and the selected GPUs, the first step of every read command.
ExitCode SelectedGpus(Context* ctx, std::vector<GpuInfo>* gpus, std::vector<int>* selected) {
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(gpus));
  return ctx->SelectGpus(*gpus, selected);
}

// `status` and `gpus` say on stderr which NVML library (real or migkit's emulator) they read, so a
// user never mistakes emulated GPUs for real ones. With -v every command already says it.
ExitCode SayWhichBackend(Context* ctx) {
  if (ctx->json || ctx->verbose) return ExitCode::kOk;
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  ctx->Err("# " + opened->backend->Describe() + "\n");
  return ExitCode::kOk;
}

// The CC line goes right under the GPU's header line; nothing changes for a GPU with CC off.
std::string WithCcLine(std::string rendered, const std::vector<GpuCcState>& cc, int gpu) {
  if (static_cast<size_t>(gpu) >= cc.size()) return rendered;
  const std::string line = CcStatusLine(cc[static_cast<size_t>(gpu)], true);
  const size_t eol = rendered.find('\n');
  if (line.empty() || eol == std::string::npos) return rendered;
  return rendered.insert(eol + 1, line);
}

// "cc_mode"/"cc_mode_pending"/"ppcie" only for a GPU whose CC is not all off (unchanged JSON else).
void AddCcJson(const std::vector<GpuCcState>& cc, int gpu, nlohmann::json* out) {
  if (static_cast<size_t>(gpu) >= cc.size() || cc[static_cast<size_t>(gpu)] == GpuCcState{}) return;
  const GpuCcState& c = cc[static_cast<size_t>(gpu)];
  (*out)["cc_mode"] = CcModeName(c.current);
  (*out)["cc_mode_pending"] = CcModeName(c.pending);
  (*out)["ppcie"] = c.ppcie_current;
  (*out)["ppcie_pending"] = c.ppcie_pending;
}

ExitCode RunStatus(Context* ctx) {
  std::vector<GpuInfo> gpus;
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(SelectedGpus(ctx, &gpus, &selected));
  const std::vector<GpuCcState> cc = CcStatesForStatus(ctx);
  if (ctx->json) {
    nlohmann::json out = nlohmann::json::array();
    for (int i : selected) {
      out.push_back(StatusJson(gpus[static_cast<size_t>(i)]));
      AddCcJson(cc, i, &out.back());
    }
    return ctx->PrintJson(out);
  }
  MIGCTL_RETURN_IF_FAILED(SayWhichBackend(ctx));
  const bool color = StdoutWantsColor();
  for (size_t n = 0; n < selected.size(); ++n) {
    if (n > 0) ctx->Out("\n");
    ctx->Out(
        WithCcLine(RenderStatus(gpus[static_cast<size_t>(selected[n])], color), cc, selected[n]));
  }
  return ExitCode::kOk;
}

ExitCode RunGpus(Context* ctx) {
  std::vector<GpuInfo> gpus;
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(SelectedGpus(ctx, &gpus, &selected));
  if (ctx->json) {
    nlohmann::json out = nlohmann::json::array();
    for (int i : selected) {
      const GpuInfo& g = gpus[static_cast<size_t>(i)];
      out.push_back({{"gpu", g.index},
                     {"name", g.model->product_name},
                     {"model", g.model->id},
                     {"uuid", g.uuid},
                     {"pci_bus_id", g.pci_bus_id},
                     {"mig_current", g.state.mig_current},
                     {"mig_pending", g.state.mig_pending}});
    }
    return ctx->PrintJson(out);
  }
  MIGCTL_RETURN_IF_FAILED(SayWhichBackend(ctx));
  Table table({"GPU", "Name", "Model", "UUID", "PCI bus ID", "MIG"}, {true});
  for (int i : selected) {
    const GpuInfo& g = gpus[static_cast<size_t>(i)];
    table.AddRow({std::to_string(g.index), g.model->product_name, g.model->id, g.uuid, g.pci_bus_id,
                  MigModeSummary(g.state)});
  }
  ctx->Out(table.Render());
  return ExitCode::kOk;
}

// The `nvidia-smi mig -lgip` box (mig-facts.md §8): 79 columns, wider when a name needs it.
std::string ProfileBox(const std::vector<const GpuInfo*>& gpus) {
  size_t name_width = 17;
  for (const GpuInfo* g : gpus) {
    for (const GiProfile& p : g->model->gi_profiles) {
      name_width = std::max(name_width, p.name.size() + 5);  // "MIG " + name + a space
    }
  }
  const size_t extra = name_width - 17;
  const size_t inner = 77 + extra;
  const auto line = [&](std::string_view text) { return fmt::format("|{:<{}}|\n", text, inner); };
  const std::string rule = "+" + std::string(inner, '-') + "+\n";
  std::string out = rule;
  out += line(" GPU instance profiles:");
  out += line(" GPU   Name        " + std::string(extra, ' ') +
              "     ID    Instances   Memory     P2P    SM    DEC   ENC");
  out += line(std::string(30 + extra, ' ') + "Free/Total   GiB              CE    JPEG  OFA");
  out += "|" + std::string(inner, '=') + "|\n";
  bool first = true;
  for (const GpuInfo* g : gpus) {
    const std::vector<PlacedProfile> placed = PlacedProfilesOf(*g->model, g->state);
    for (const GiProfile* p : ProfilesInDisplayOrder(*g->model)) {
      if (!first) out += rule;
      first = false;
      const int free = g->state.MigUsable() ? RemainingCapacity(*g->model, *p, placed) : 0;
      out += fmt::format("|{:>4}  {:<{}}{:>3}{:>8}        {:<11}{:<3}{:>6}{:>6}{:>6}   |\n",
                         g->index, "MIG " + p->name, name_width, p->id,
                         fmt::format("{}/{}", free, p->instance_count), GiBText(p->memory_mib),
                         p->p2p ? "Yes" : "No", p->multiprocessors, p->decoders, p->encoders);
      out += fmt::format("|{:>{}}{:>6}{:>6}   |\n", p->copy_engines, 62 + extra, p->jpeg, p->ofa);
    }
  }
  out += rule;
  return out;
}

ExitCode RunProfiles(Context* ctx) {
  std::vector<GpuInfo> gpus;
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(SelectedGpus(ctx, &gpus, &selected));
  if (ctx->json) {
    nlohmann::json out = nlohmann::json::array();
    for (int i : selected) {
      const GpuInfo& g = gpus[static_cast<size_t>(i)];
      const std::vector<PlacedProfile> placed = PlacedProfilesOf(*g.model, g.state);
      for (const GiProfile* p : ProfilesInDisplayOrder(*g.model)) {
        out.push_back(
            {{"gpu", g.index},
             {"name", p->name},
             {"id", p->id},
             {"slices", p->slices},
             {"instances_free", g.state.MigUsable() ? RemainingCapacity(*g.model, *p, placed) : 0},
             {"instances_total", p->instance_count},
             {"memory_mib", p->memory_mib},
             {"sms", p->multiprocessors},
             {"ce", p->copy_engines},
             {"dec", p->decoders},
             {"enc", p->encoders},
             {"jpeg", p->jpeg},
             {"ofa", p->ofa},
             {"placements", PlacementsJson(PossiblePlacements(*p))}});
      }
    }
    return ctx->PrintJson(out);
  }
  std::vector<const GpuInfo*> shown;
  for (int i : selected) shown.push_back(&gpus[static_cast<size_t>(i)]);
  ctx->Out(ProfileBox(shown));
  for (const GpuInfo* g : shown) {
    if (g->state.MigUsable()) continue;
    ctx->Err(fmt::format(
        "note: MIG is not in effect on GPU {} ({}), so Free is 0 there; `migctl status -i {}` "
        "says how to enable it\n",
        g->index, MigModeSummary(g->state), g->index));
  }
  return ExitCode::kOk;
}

ExitCode RunPlacements(Context* ctx) {
  std::vector<GpuInfo> gpus;
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(SelectedGpus(ctx, &gpus, &selected));
  nlohmann::json json = nlohmann::json::array();
  std::string text;
  for (int i : selected) {
    const GpuInfo& g = gpus[static_cast<size_t>(i)];
    for (const GiProfile* p : ProfilesInDisplayOrder(*g.model)) {
      json.push_back({{"gpu", g.index},
                      {"id", p->id},
                      {"name", p->name},
                      {"placements", PlacementsJson(PossiblePlacements(*p))}});
      // `nvidia-smi mig -lgipp`: "Placement :" when there is a single start.
      text += fmt::format("GPU {:>2} Profile ID {:>2} {}: {}\n", g.index, p->id,
                          p->placement_starts.size() == 1 ? "Placement " : "Placements",
                          PlacementSetText(*p));
    }
  }
  if (ctx->json) return ctx->PrintJson(json);
  ctx->Out(text);
  return ExitCode::kOk;
}

ExitCode RunInstances(Context* ctx) {
  std::vector<GpuInfo> gpus;
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(SelectedGpus(ctx, &gpus, &selected));
  if (ctx->json) {
    nlohmann::json out = nlohmann::json::array();
    for (int i : selected) {
      const GpuInfo& g = gpus[static_cast<size_t>(i)];
      for (const GpuInstance& gi : g.state.gpu_instances) out.push_back(GpuInstanceJson(g, gi));
    }
    return ctx->PrintJson(out);
  }
  Table table({"GPU", "GI", "Profile", "ID", "Placement", "CI", "CI profile", "MIG device UUID"},
              {true, true, false, true, false, true, false, false});
  std::vector<std::string> without;
  for (int i : selected) {
    const GpuInfo& g = gpus[static_cast<size_t>(i)];
    if (g.state.gpu_instances.empty()) {
      without.push_back(
          fmt::format("GPU {}: no GPU instances (MIG {})", g.index, MigModeSummary(g.state)));
    }
    for (const GpuInstance& gi : g.state.gpu_instances) {
      const GiProfile* p = g.model->FindProfileById(gi.profile_id);
      const std::string name = p != nullptr ? p->name : std::to_string(gi.profile_id);
      std::vector<std::string> row = {std::to_string(g.index),
                                      std::to_string(gi.id),
                                      name,
                                      std::to_string(gi.profile_id),
                                      gi.placement.ToString(),
                                      "-",
                                      "-",
                                      "-"};
      if (gi.compute_instances.empty()) table.AddRow(row);
      for (const ComputeInstance& ci : gi.compute_instances) {
        std::ranges::copy(CiCells(g, gi, p, ci), row.begin() + 5);
        table.AddRow(row);
      }
    }
  }
  if (!table.empty()) ctx->Out(table.Render());
  for (const std::string& line : without) ctx->Out(line + "\n");
  return ExitCode::kOk;
}

// Every read command takes -i, --json and -v; they differ only in what they run and their examples.
Handler ConfigureReadCommand(CLI::App* app, Context* ctx, ExitCode (*run)(Context*),
                             std::string_view examples) {
  AddGpuAndOutputOptions(app, ctx);
  SetExamples(app, examples);
  return [ctx, run] { return run(ctx); };
}

}  // namespace

Handler ConfigureStatus(CLI::App* app, Context* ctx) {
  return ConfigureReadCommand(
      app, ctx, RunStatus,
      "  migctl status           # every GPU\n"
      "  migctl status -i 0      # one GPU\n"
      "  migctl status --json    # [{gpu, name, model, mig_current, mig_pending, units,\n"
      "                          #   gpu_instances, free_units, can_create, ...}]");
}

Handler ConfigureGpus(CLI::App* app, Context* ctx) {
  return ConfigureReadCommand(
      app, ctx, RunGpus,
      "  migctl gpus\n"
      "  migctl gpus --json      # [{gpu, name, model, uuid, pci_bus_id, mig_current,\n"
      "                          #   mig_pending}], the MIG modes as booleans");
}

Handler ConfigureProfiles(CLI::App* app, Context* ctx) {
  return ConfigureReadCommand(
      app, ctx, RunProfiles,
      "  migctl profiles -i 0\n"
      "  migctl profiles --json  # [{gpu, name, id, slices, instances_free,\n"
      "                          #   instances_total, memory_mib, sms, ce, dec, enc, jpeg,\n"
      "                          #   ofa, placements: [{start, size}]}]");
}

Handler ConfigurePlacements(CLI::App* app, Context* ctx) {
  return ConfigureReadCommand(
      app, ctx, RunPlacements,
      "  migctl placements -i 0\n"
      "  migctl placements --json   # [{gpu, id, name, placements: [{start, size}]}]");
}

Handler ConfigureInstances(CLI::App* app, Context* ctx) {
  return ConfigureReadCommand(
      app, ctx, RunInstances,
      "  migctl instances\n"
      "  migctl instances -i 0 --json   # [{gpu, gi_id, profile, profile_id, start, size,\n"
      "                                 #   cis: [{ci_id, profile, profile_id, uuid}]}]");
}

}  // namespace migkit::cli
