// Catalog commands: `migctl models` and `migctl layouts`. They read only the catalog, so they work
// without any GPU or emulator state.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/profile_args.h"
#include "core/layouts.h"
#include "core/strings.h"

namespace migkit::cli {
namespace {

ExitCode RunModels(Context* ctx) {
  const Catalog* catalog = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->LoadCatalog(&catalog));
  if (ctx->json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : catalog->models()) {
      out.push_back({{"id", m->id},
                     {"name", m->product_name},
                     {"architecture", ArchitectureName(m->architecture)},
                     {"memory_mib", m->memory_mib},
                     {"placement_units", m->placement_units},
                     {"compute_slices", m->compute_slices},
                     {"max_gpu_instances", m->max_gpu_instances}});
    }
    return ctx->PrintJson(out);
  }
  Table table({"Model", "Product name", "Architecture", "Memory (MiB)", "Units", "Max GIs"},
              {false, false, false, true, true, true});
  for (const auto& m : catalog->models()) {
    table.AddRow({m->id, m->product_name, std::string(ArchitectureName(m->architecture)),
                  std::to_string(m->memory_mib), std::to_string(m->placement_units),
                  std::to_string(m->max_gpu_instances)});
  }
  ctx->Out(table.Render());
  return ExitCode::kOk;
}

struct LayoutsArgs {
  std::string model;
  bool all = false;
  std::vector<std::string> profiles;
  std::vector<std::string> forbid;
};

// "A+B" where A and B are profile names or IDs. Names may contain '+' ("1g.10gb+me"), so every
// '+' is tried as the separator and the split that names two profiles wins.
StatusOr<std::pair<int, int>> ParseForbiddenPair(const std::string& text, const GpuModel& model) {
  for (size_t pos = text.find('+'); pos != std::string::npos; pos = text.find('+', pos + 1)) {
    StatusOr<const GiProfile*> a = ResolveGiProfile(text.substr(0, pos), model);
    StatusOr<const GiProfile*> b = ResolveGiProfile(text.substr(pos + 1), model);
    if (a.ok() && b.ok()) return std::make_pair((*a)->id, (*b)->id);
  }
  return Status::InvalidArgument("--forbid '" + text + "' must be PROFILE+PROFILE with two of " +
                                 model.id + "'s profiles: " + ValidGiProfiles(model));
}

ExitCode RunLayouts(Context* ctx, const LayoutsArgs& args) {
  const Catalog* catalog = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->LoadCatalog(&catalog));
  const GpuModel* model = catalog->Find(args.model);
  if (model == nullptr) {
    return ctx->UsageError("unknown GPU model '" + args.model +
                           "'; known models: " + Join(catalog->Ids(), ", "));
  }
  LayoutOptions options;
  for (const std::string& list : args.profiles) {
    for (const std::string& item : Split(list, ',')) {
      StatusOr<const GiProfile*> p = ResolveGiProfile(item, *model);
      if (!p.ok()) return ctx->UsageError(p.status().message());
      options.profile_ids.push_back((*p)->id);
    }
  }
  for (const std::string& pair : args.forbid) {
    StatusOr<std::pair<int, int>> parsed = ParseForbiddenPair(Trim(pair), *model);
    if (!parsed.ok()) return ctx->UsageError(parsed.status().message());
    options.forbidden_pairs.push_back(*parsed);
  }
  const LayoutEnumeration layouts = EnumerateLayouts(*model, options);
  const std::vector<Layout>& shown = args.all ? layouts.valid : layouts.maximal;
  const std::string what = args.all ? "valid layouts" : "maximal layouts";
  if (ctx->json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Layout& layout : shown) {
      nlohmann::json gis = nlohmann::json::array();
      for (const PlacedProfile& p : layout) {
        gis.push_back({{"profile", p.profile->name},
                       {"id", p.profile->id},
                       {"start", p.placement.start},
                       {"size", p.placement.size}});
      }
      list.push_back(gis);
    }
    return ctx->PrintJson({{"model", model->id}, {"count", shown.size()}, {"layouts", list}});
  }
  std::vector<std::string> blocks;
  for (int id : options.profile_ids.empty() ? BaseProfileIds(*model) : options.profile_ids) {
    if (const GiProfile* p = model->FindProfileById(id)) blocks.push_back(p->name);
  }
  std::string header = fmt::format("{}: {} of {}", model->id, what, Join(blocks, ", "));
  if (!options.forbidden_pairs.empty()) {
    std::vector<std::string> pairs;
    for (const auto& [a, b] : options.forbidden_pairs) {
      pairs.push_back(model->FindProfileById(a)->name + "+" + model->FindProfileById(b)->name);
    }
    header += " (never together: " + Join(pairs, ", ") + ")";
  }
  ctx->Out(header + "\n");
  Table table({"#", "Profiles", "Placements"}, {true});
  for (size_t i = 0; i < shown.size(); ++i) {
    table.AddRow({std::to_string(i + 1), DescribeProfiles(shown[i]), DescribePlacements(shown[i])});
  }
  if (!shown.empty()) ctx->Out(table.Render());
  ctx->Out(fmt::format("{} {}\n", shown.size(), what));
  return ExitCode::kOk;
}

}  // namespace

Handler ConfigureModels(CLI::App* app, Context* ctx) {
  AddJsonFlag(app, ctx);
  AddVerboseFlag(app, ctx);
  SetExamples(app,
              "  migctl models\n"
              "  migctl models --json   # [{id, name, architecture, memory_mib, placement_units,\n"
              "                         #   compute_slices, max_gpu_instances}]");
  return [ctx] { return RunModels(ctx); };
}

Handler ConfigureLayouts(CLI::App* app, Context* ctx) {
  auto args = std::make_shared<LayoutsArgs>();
  app->add_option("model", args->model,
                  "GPU model: a catalog id, product name or alias (see `migctl models`)")
      ->required();
  app->add_flag("--all", args->all,
                "List every valid layout, not only the maximal ones (to which no building "
                "block can be added)");
  app->add_option("--profiles", args->profiles,
                  "Building blocks: profile names or IDs, comma-separated (default: the model's "
                  "base profiles, without +me/-me/+gfx variants)")
      ->type_name("LIST")
      ->allow_extra_args(false);
  app->add_option("--forbid", args->forbid,
                  "Forbid two profiles together, e.g. 3g.20gb+4g.20gb (drivers before R510 "
                  "refused that pair); repeatable")
      ->type_name("A+B")
      ->allow_extra_args(false);
  AddJsonFlag(app, ctx);
  AddVerboseFlag(app, ctx);
  SetExamples(app,
              "  migctl layouts A100-SXM4-40GB --profiles 1g.5gb,2g.10gb,3g.20gb,4g.20gb,7g.40gb\n"
              "  migctl layouts A100-SXM4-40GB --profiles 19,14,9,5,0 --forbid 3g.20gb+4g.20gb\n"
              "  migctl layouts H100-SXM5-80GB --json  # {model, count, layouts: [[{profile, id,\n"
              "                                        #   start, size}]]}");
  return [ctx, args] { return RunLayouts(ctx, *args); };
}

}  // namespace migkit::cli
