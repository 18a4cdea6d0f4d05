#include "config/builtin.h"

#include <cstdio>
#include <cstdlib>

namespace migkit {

const MigConfigFile& BuiltinMigConfigs() {
  static const MigConfigFile* const kFile = [] {
    StatusOr<MigConfigFile> parsed =
        ParseMigConfigFile(BuiltinMigConfigText(), kBuiltinConfigSource);
    if (!parsed.ok()) {
      std::fprintf(stderr, "migkit: the built-in configs are invalid: %s\n",
                   parsed.status().ToString().c_str());
      std::abort();
    }
    return new MigConfigFile(std::move(parsed).value());
  }();
  return *kFile;
}

}  // namespace migkit
