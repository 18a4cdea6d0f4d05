// How a plan is shown: a readable diff per GPU and the numbered steps (`migctl apply --dry-run`),
// or JSON (`--json`).
//
//   GPU 0  H100-SXM5-80GB  GPU-5f8a...  MIG enabled
//     = GI  1  3g.40gb  0:4    CI 0  3g.40gb     MIG-2b1c...
//     - GI  2  3g.40gb  4:4    CI 0  3g.40gb     MIG-77de...
//     + GI 11  1g.10gb  4:1    CI    1g.10gb
//   GPU 1  H100-SXM5-80GB  GPU-0c3e...  unchanged
//
//   Steps:
//     1. destroy CI 0 (3g.40gb) of GI 2 on GPU 0
//     ...
//   Keeps 2 instances, destroys 2, creates 6 on 1 GPU; 1 GPU already matches.
#ifndef MIGKIT_RECONFIG_PLAN_FORMAT_H_
#define MIGKIT_RECONFIG_PLAN_FORMAT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "reconfig/plan.h"

namespace migkit {

struct PlanFormatOptions {
  bool color = false;       // ANSI colours for '+' (green) and '-' (red) lines
  bool show_steps = true;   // the numbered step list
  bool full_uuids = false;  // MIG UUIDs in full instead of shortened to 12 characters
};

/// The diff and the steps, ending with a summary line and a newline.
std::string FormatPlan(const Plan& plan, const PlanFormatOptions& options = {});

/// "Keeps 2 instances, destroys 2, creates 6 on 1 GPU; 1 GPU already matches."
std::string PlanSummary(const Plan& plan);

/// {"gpus": [{gpu, model, uuid, mig_before, mig_after, changes, kept, destroyed, created,
///   gpu_instances: [{op, gi_id, profile, start, size, compute_instances: [{op, ci_id, profile,
///   start, size, uuid}]}]}], "steps": [{n, kind, gpu, gi_id, ci_id, profile, start, size, enable,
///   text}]}. "op" is "keep", "destroy" or "create".
nlohmann::json PlanJson(const Plan& plan);

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_PLAN_FORMAT_H_
