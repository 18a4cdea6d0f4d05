#include "reconfig/plan_format.h"

#include <algorithm>

namespace migkit {
namespace {

std::string Paint(const std::string& line, char op, bool color) {
  if (!color || op == '=') return line;
  return std::string(op == '+' ? "\x1b[32m" : "\x1b[31m") + line + "\x1b[0m";
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string Shorten(const std::string& uuid, bool full) {
  if (full || uuid.size() <= 15) return uuid;
  return uuid.substr(0, 12) + "...";
}

std::string Plural(int n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

const char* OpName(char op) { return op == '+' ? "create" : op == '-' ? "destroy" : "keep"; }

const char* KindName(StepKind k) {
  switch (k) {
    case StepKind::kSetMigMode:
      return "set-mig-mode";
    case StepKind::kResetGpu:
      return "reset-gpu";
    case StepKind::kDestroyComputeInstance:
      return "destroy-ci";
    case StepKind::kDestroyGpuInstance:
      return "destroy-gi";
    case StepKind::kCreateGpuInstance:
      return "create-gi";
    case StepKind::kCreateComputeInstance:
      return "create-ci";
  }
  return "?";
}

}  // namespace

std::string PlanSummary(const Plan& plan) {
  int kept = 0, destroyed = 0, created = 0, changing = 0, matching = 0;
  for (const GpuChange& g : plan.gpus) {
    if (g.changes) {
      ++changing;
      kept += g.kept;
      destroyed += g.destroyed;
      created += g.created;
    } else {
      ++matching;
    }
  }
  if (changing == 0) {
    return matching == 0
               ? "No GPU is selected; nothing to do."
               : std::string(matching == 1
                                 ? "The GPU already matches"
                                 : "All " + std::to_string(matching) + " GPUs already match") +
                     "; nothing to do.";
  }
  std::string s = "Keeps " + Plural(kept, "instance") + ", destroys " + std::to_string(destroyed) +
                  ", creates " + std::to_string(created) + " on " + Plural(changing, "GPU");
  if (matching > 0) {
    s += "; " + Plural(matching, "GPU") + (matching == 1 ? " already matches" : " already match");
  }
  return s + ".";
}

std::string FormatPlan(const Plan& plan, const PlanFormatOptions& options) {
  std::string out;
  for (const GpuChange& g : plan.gpus) {
    std::string head = "GPU " + std::to_string(g.gpu) + "  " + g.model_id + "  " +
                       Shorten(g.uuid, options.full_uuids) + "  ";
    if (!g.changes) {
      out += head + "unchanged\n";
      continue;
    }
    if (g.mig_before != g.mig_after) {
      head += std::string("MIG ") + (g.mig_before ? "enabled" : "disabled") + " -> " +
              (g.mig_after ? "enabled" : "disabled");
    } else {
      head += std::string("MIG ") + (g.mig_after ? "enabled" : "disabled");
    }
    out += head + "\n";
    size_t name_w = 0, ci_w = 0;
    for (const GpuChange::Gi& gi : g.gis) {
      name_w = std::max(name_w, gi.profile.size());
      for (const GpuChange::Ci& ci : gi.cis) ci_w = std::max(ci_w, ci.profile.size());
    }
    for (const GpuChange::Gi& gi : g.gis) {
      const std::string gi_part = std::string("  ") + gi.op + " GI " +
                                  PadLeft(gi.id >= 0 ? std::to_string(gi.id) : "", 2) + "  " +
                                  Pad(gi.profile, name_w) + "  " + Pad(gi.placement.ToString(), 4);
      if (gi.cis.empty()) {
        out += Paint(gi_part, gi.op, options.color) + "\n";
        continue;
      }
      for (size_t i = 0; i < gi.cis.size(); ++i) {
        const GpuChange::Ci& ci = gi.cis[i];
        // The first CI shares the GI's line; further CIs are indented under it.
        std::string line = i == 0 ? gi_part : std::string(gi_part.size(), ' ');
        if (i > 0) line[2] = ci.op;
        line += "  CI " + (ci.id >= 0 ? std::to_string(ci.id) : std::string(" ")) + "  " +
                Pad(ci.profile, ci_w);
        if (!ci.mig_uuid.empty()) line += "  " + Shorten(ci.mig_uuid, options.full_uuids);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += Paint(line, i == 0 ? gi.op : ci.op, options.color) + "\n";
      }
    }
  }
  if (options.show_steps && !plan.steps.empty()) {
    out += "\nSteps:\n";
    const size_t w = std::to_string(plan.steps.size()).size();
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      out += "  " + PadLeft(std::to_string(i + 1), w) + ". " + plan.steps[i].Describe() + "\n";
    }
  }
  out += "\n" + PlanSummary(plan) + "\n";
  return out;
}

nlohmann::json PlanJson(const Plan& plan) {
  nlohmann::json gpus = nlohmann::json::array();
  for (const GpuChange& g : plan.gpus) {
    nlohmann::json gj;
    gj["gpu"] = g.gpu;
    gj["model"] = g.model_id;
    gj["uuid"] = g.uuid;
    gj["mig_before"] = g.mig_before;
    gj["mig_after"] = g.mig_after;
    gj["changes"] = g.changes;
    gj["kept"] = g.kept;
    gj["destroyed"] = g.destroyed;
    gj["created"] = g.created;
    nlohmann::json gis = nlohmann::json::array();
    for (const GpuChange::Gi& gi : g.gis) {
      nlohmann::json j;
      j["op"] = OpName(gi.op);
      j["gi_id"] = gi.id;
      j["profile"] = gi.profile;
      j["start"] = gi.placement.start;
      j["size"] = gi.placement.size;
      nlohmann::json cis = nlohmann::json::array();
      for (const GpuChange::Ci& ci : gi.cis) {
        nlohmann::json c;
        c["op"] = OpName(ci.op);
        c["ci_id"] = ci.id >= 0 ? nlohmann::json(ci.id) : nlohmann::json();
        c["profile"] = ci.profile;
        c["start"] = ci.placement.start;
        c["size"] = ci.placement.size;
        c["uuid"] = ci.mig_uuid.empty() ? nlohmann::json() : nlohmann::json(ci.mig_uuid);
        cis.push_back(std::move(c));
      }
      j["compute_instances"] = std::move(cis);
      gis.push_back(std::move(j));
    }
    gj["gpu_instances"] = std::move(gis);
    gpus.push_back(std::move(gj));
  }
  nlohmann::json steps = nlohmann::json::array();
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    nlohmann::json j;
    j["n"] = i + 1;
    j["kind"] = KindName(s.kind);
    j["gpu"] = s.gpu;
    if (s.kind == StepKind::kSetMigMode) j["enable"] = s.enable;
    if (s.gi_id >= 0) j["gi_id"] = s.gi_id;
    if (s.ci_id >= 0) j["ci_id"] = s.ci_id;
    if (!s.profile.empty()) {
      j["profile"] = s.profile;
      j["start"] = s.placement.start;
      j["size"] = s.placement.size;
    }
    j["text"] = s.Describe();
    steps.push_back(std::move(j));
  }
  nlohmann::json root;
  root["gpus"] = std::move(gpus);
  root["steps"] = std::move(steps);
  root["summary"] = PlanSummary(plan);
  return root;
}

}  // namespace migkit
