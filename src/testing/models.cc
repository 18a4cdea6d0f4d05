#include "testing/models.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "catalog/catalog.h"

namespace migkit {

const GpuModel& TestModel(std::string_view id) {
  const GpuModel* model = Catalog::BuiltIn().Find(id);
  if (model == nullptr) {
    std::fprintf(stderr,
                 "TestModel: no built-in GPU model '%.*s' (is data/gpus/%.*s.yaml missing?)\n",
                 static_cast<int>(id.size()), id.data(), static_cast<int>(id.size()), id.data());
    std::abort();
  }
  return *model;
}

const GiProfile& TestProfile(const GpuModel& model, int profile_id) {
  const GiProfile* profile = model.FindProfileById(profile_id);
  if (profile == nullptr) {
    std::fprintf(stderr, "TestProfile: %s has no GPU instance profile with ID %d\n",
                 model.id.c_str(), profile_id);
    std::abort();
  }
  return *profile;
}

std::vector<std::string> AllModelIds() { return Catalog::BuiltIn().Ids(); }

std::vector<const GpuModel*> AllModels() {
  std::vector<const GpuModel*> out;
  for (const std::shared_ptr<const GpuModel>& m : Catalog::BuiltIn().models())
    out.push_back(m.get());
  return out;
}

}  // namespace migkit
