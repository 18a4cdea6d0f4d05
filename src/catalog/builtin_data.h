// The built-in GPU model files, compiled in (see embed_catalog.cmake).
#ifndef MIGKIT_CATALOG_BUILTIN_DATA_H_
#define MIGKIT_CATALOG_BUILTIN_DATA_H_

#include <string_view>
#include <vector>

namespace migkit {

struct EmbeddedFile {
  std::string_view name;  // file name, e.g. "A100-SXM4-40GB.yaml"
  std::string_view text;
};

/// Every data/gpus/*.yaml file, sorted by name.
const std::vector<EmbeddedFile>& BuiltinCatalogFiles();

}  // namespace migkit

#endif  // MIGKIT_CATALOG_BUILTIN_DATA_H_
