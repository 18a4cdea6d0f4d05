#include "reconfig/checkpoint.h"

#include <nlohmann/json.hpp>

#include "config/fit.h"
#include "config/mig_profile.h"
#include "reconfig/busy.h"
#include "reconfig/solver.h"

namespace migkit {

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
  const std::string where(source);
  try {
    const nlohmann::json root = nlohmann::json::parse(text);
    if (!root.is_object() || root.value("format", 0) != 1 || !root.contains("gpus") ||
        !root["gpus"].is_array()) {
      return Status::ParseError(where + ": not a migkit checkpoint (expected {\"format\": 1, "
                                        "\"gpus\": [...]}, as `migctl checkpoint` writes)");
    }
    Checkpoint c;
    c.created_micros = root.value("created_micros", std::int64_t{0});
    for (const nlohmann::json& j : root["gpus"]) {
      CheckpointGpu g;
      g.index = j.at("index").get<int>();
      g.uuid = j.at("uuid").get<std::string>();
      g.model_id = j.at("model").get<std::string>();
      g.state.mig_current = g.state.mig_pending = j.at("mig_enabled").get<bool>();
      for (const nlohmann::json& gj : j.at("gpu_instances")) {
        GpuInstance gi;
        gi.id = gj.at("id").get<int>();
        gi.profile_id = gj.at("profile_id").get<int>();
        gi.placement = {gj.at("start").get<int>(), gj.at("size").get<int>()};
        for (const nlohmann::json& cj : gj.at("compute_instances")) {
          ComputeInstance ci;
          ci.id = cj.at("id").get<int>();
          ci.profile_id = cj.at("profile_id").get<int>();
          ci.placement = {cj.at("start").get<int>(), cj.at("size").get<int>()};
          gi.compute_instances.push_back(ci);
        }
        g.state.gpu_instances.push_back(std::move(gi));
      }
      c.gpus.push_back(std::move(g));
    }
    return c;
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
    out.push_back(CurrentLayout(match->index, g.state));
  }
  return out;
}

}  // namespace migkit
