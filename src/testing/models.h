// Catalog models for tests.
//
// Tests name a model by its catalog id and get the built-in table (data/gpus/<id>.yaml), so every
// expectation is checked against the data migkit ships. A missing model is a broken build, not a
// test failure, so TestModel aborts with a message naming the id.
#ifndef MIGKIT_TESTING_MODELS_H_
#define MIGKIT_TESTING_MODELS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/gpu_model.h"

namespace migkit {

/// The built-in model with this catalog id (or product name or alias). Aborts if there is none.
const GpuModel& TestModel(std::string_view id);

/// The profile of `model` with this profile ID. Aborts if there is none.
const GiProfile& TestProfile(const GpuModel& model, int profile_id);

/// The catalog ids of the twelve models data/gpus/ describes (mig-facts.md §2-§3), so that tests
/// can check that model-wide tests really cover all of them.
inline constexpr std::string_view kBuiltInModelIds[] = {
    "A100-SXM4-40GB", "A100-SXM4-80GB", "A30-24GB",   "B200",
    "GB200",          "GH200-144GB",    "GH200-96GB", "H100-NVL-94GB",
    "H100-PCIE-80GB", "H100-SXM5-80GB", "H200-141GB", "RTX-PRO-6000",
};

/// The ids of every built-in model, in catalog order.
std::vector<std::string> AllModelIds();

/// Every built-in model, in catalog order.
std::vector<const GpuModel*> AllModels();

}  // namespace migkit

#endif  // MIGKIT_TESTING_MODELS_H_
