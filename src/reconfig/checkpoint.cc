#include "reconfig/checkpoint.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "config/fit.h"
#include "config/mig_profile.h"
#include "core/gpu_state.h"
#include "emu/strict_json.h"
#include "reconfig/busy.h"
#include "reconfig/solver.h"

namespace migkit {
namespace {

// The name SerializeCheckpoint writes for GPU instance `gi_id` (ci_id < 0) or one of its compute
// instances: "3g.40gb", "1c.3g.40gb"; "" when the profile is unknown.
std::string ProfileName(const GpuModel& model, const GpuState& state, int gi_id, int ci_id) {
  for (const GpuInstance& gi : state.gpu_instances) {
    if (gi.id != gi_id) continue;
    const GiProfile* p = model.FindProfileById(gi.profile_id);
    if (p == nullptr) return "";
    if (ci_id < 0) return p->name;
    for (const ComputeInstance& ci : gi.compute_instances) {
      if (ci.id == ci_id) return FormatMigDevice(model, *p, ci.profile_id);
    }
  }
  return "";
}

constexpr std::int64_t kMaxSmall = 1 << 16;  // IDs, profile IDs and placements are tiny

// The fields a GPU instance and a compute instance share in the file, read in this order so that
// the first defect is the one reported: id, profile_id, start, size.
template <typename Instance>
void ParseInstanceFields(const nlohmann::json& j, const std::string& at, Instance* out) {
  namespace sj = strict_json;
  out->id = static_cast<int>(sj::Int(j, "id", 0, kMaxSmall, at));
  out->profile_id = static_cast<int>(sj::Int(j, "profile_id", 0, kMaxSmall, at));
  out->placement = {static_cast<int>(sj::Int(j, "start", 0, kMaxSmall, at)),
                    static_cast<int>(sj::Int(j, "size", 0, kMaxSmall, at))};
}

}  // namespace

Checkpoint MakeCheckpoint(const std::vector<GpuInfo>& gpus, std::int64_t now_micros) {
  Checkpoint c;
  c.created_micros = now_micros;
  for (const GpuInfo& g : gpus) {
    CheckpointGpu cg;
    cg.index = g.index;
    cg.uuid = g.uuid;
    cg.model_id = g.model->id;
    cg.state = g.state;
    cg.state.mig_pending = cg.state.mig_current;
    if (!cg.state.mig_current) cg.state.gpu_instances.clear();
    for (const GpuInstance& gi : cg.state.gpu_instances) {
      cg.profile_names[{gi.id, -1}] = ProfileName(*g.model, cg.state, gi.id, -1);
      for (const ComputeInstance& ci : gi.compute_instances) {
        cg.profile_names[{gi.id, ci.id}] = ProfileName(*g.model, cg.state, gi.id, ci.id);
      }
    }
    c.gpus.push_back(std::move(cg));
  }
  return c;
}

std::string SerializeCheckpoint(const Checkpoint& checkpoint, const std::vector<GpuInfo>& gpus) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const CheckpointGpu& g : checkpoint.gpus) {
    const GpuModel* model = nullptr;
    for (const GpuInfo& info : gpus) {
      if (info.uuid == g.uuid) model = info.model;
    }
    nlohmann::ordered_json j;
    j["index"] = g.index;
    j["uuid"] = g.uuid;
    j["model"] = g.model_id;
    j["mig_enabled"] = g.state.mig_current;
    nlohmann::ordered_json gis = nlohmann::ordered_json::array();
    for (const GpuInstance& gi : g.state.gpu_instances) {
      const GiProfile* p = model ? model->FindProfileById(gi.profile_id) : nullptr;
      nlohmann::ordered_json gj;
      gj["id"] = gi.id;
      gj["profile_id"] = gi.profile_id;
      gj["profile"] = p ? p->name : "";
      gj["start"] = gi.placement.start;
      gj["size"] = gi.placement.size;
      nlohmann::ordered_json cis = nlohmann::ordered_json::array();
      for (const ComputeInstance& ci : gi.compute_instances) {
        nlohmann::ordered_json cj;
        cj["id"] = ci.id;
        cj["profile_id"] = ci.profile_id;
        cj["profile"] = p ? FormatMigDevice(*model, *p, ci.profile_id) : "";
        cj["start"] = ci.placement.start;
        cj["size"] = ci.placement.size;
        cis.push_back(std::move(cj));
      }
      gj["compute_instances"] = std::move(cis);
      gis.push_back(std::move(gj));
    }
    j["gpu_instances"] = std::move(gis);
    list.push_back(std::move(j));
  }
  nlohmann::ordered_json root;
  root["format"] = 1;
  root["created"] = FormatUtc(checkpoint.created_micros);
  root["created_micros"] = checkpoint.created_micros;
  root["gpus"] = std::move(list);
  return root.dump(2) + "\n";
}

StatusOr<Checkpoint> ParseCheckpoint(std::string_view text, std::string_view source) {
  namespace sj = strict_json;
  const std::string where(source);
  try {
    const nlohmann::json root = nlohmann::json::parse(text);
    if (!root.is_object() || !root.contains("format") || root["format"] != 1 ||
        !root["format"].is_number_integer() || !root.contains("gpus") || !root["gpus"].is_array()) {
      return Status::ParseError(where +
                                ": not a migkit checkpoint (expected {\"format\": 1, "
                                "\"gpus\": [...]}, as `migctl checkpoint` writes)");
    }
    Checkpoint c;
    if (root.contains("created_micros")) {
      c.created_micros = sj::Int(root, "created_micros", 0, INT64_MAX, "the checkpoint");
    }
    std::set<std::string> uuids;
    const nlohmann::json& gpus = root["gpus"];
    for (size_t i = 0; i < gpus.size(); ++i) {
      const nlohmann::json& j = gpus[i];
      const std::string at = "gpus[" + std::to_string(i) + "]";
      CheckpointGpu g;
      g.index = static_cast<int>(sj::Int(j, "index", 0, kMaxSmall, at));
      g.uuid = sj::String(j, "uuid", at, /*allow_empty=*/false);
      if (!uuids.insert(g.uuid).second)
        throw sj::JsonDefect(at + ": GPU " + g.uuid + " is listed twice");
      g.model_id = sj::String(j, "model", at, /*allow_empty=*/false);
      g.state.mig_current = g.state.mig_pending = sj::Bool(j, "mig_enabled", at);
      const nlohmann::json& gis = sj::Array(j, "gpu_instances", at);
      for (size_t k = 0; k < gis.size(); ++k) {
        const nlohmann::json& gj = gis[k];
        const std::string gi_at = at + ".gpu_instances[" + std::to_string(k) + "]";
        GpuInstance gi;
        ParseInstanceFields(gj, gi_at, &gi);
        if (gj.contains("profile")) g.profile_names[{gi.id, -1}] = sj::String(gj, "profile", gi_at);
        const nlohmann::json& cis = sj::Array(gj, "compute_instances", gi_at);
        for (size_t m = 0; m < cis.size(); ++m) {
          const nlohmann::json& cj = cis[m];
          const std::string ci_at = gi_at + ".compute_instances[" + std::to_string(m) + "]";
          ComputeInstance ci;
          ParseInstanceFields(cj, ci_at, &ci);
          if (cj.contains("profile")) {
            g.profile_names[{gi.id, ci.id}] = sj::String(cj, "profile", ci_at);
          }
          gi.compute_instances.push_back(ci);
        }
        g.state.gpu_instances.push_back(std::move(gi));
      }
      c.gpus.push_back(std::move(g));
    }
    return c;
  } catch (const strict_json::JsonDefect& e) {
    return Status::ParseError(where + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    return Status::ParseError(where + ": " + e.what());
  }
}

StatusOr<std::vector<LayoutTarget>> CheckpointTargets(const Checkpoint& checkpoint,
                                                      const std::vector<GpuInfo>& gpus) {
  std::vector<LayoutTarget> out;
  for (const CheckpointGpu& g : checkpoint.gpus) {
    const GpuInfo* match = nullptr;
    for (const GpuInfo& info : gpus) {
      if (info.uuid == g.uuid) match = &info;
    }
    if (match == nullptr) {
      return Status::InvalidArgument("the checkpoint's GPU " + std::to_string(g.index) + " (" +
                                     g.uuid + ") is not on this node");
    }
    if (match->model->id != g.model_id) {
      return Status::InvalidArgument("GPU " + g.uuid + " is " + WithArticle(match->model->id) +
                                     " but the checkpoint recorded " + g.model_id);
    }
    // IDs, placements and profiles must be ones this model's driver could have produced; the
    // names, written for people, must agree with the IDs, or the file was edited by hand.
    const Status valid = ValidateState(*match->model, g.state);
    if (!valid.ok()) {
      return Status::InvalidArgument("the checkpoint's GPU " + g.uuid + " is not a state " +
                                     WithArticle(g.model_id) + " can be in: " + valid.message());
    }
    for (const auto& [ids, name] : g.profile_names) {
      const std::string expected = ProfileName(*match->model, g.state, ids.first, ids.second);
      if (!name.empty() && name != expected) {
        return Status::InvalidArgument(
            "the checkpoint's GPU " + g.uuid + " names GPU instance " + std::to_string(ids.first) +
            (ids.second >= 0 ? " compute instance " + std::to_string(ids.second) : "") + " '" +
            name + "' but its profile ID is that of '" + expected + "'");
      }
    }
    out.push_back(CurrentLayout(match->index, g.state));
  }
  return out;
}

}  // namespace migkit
