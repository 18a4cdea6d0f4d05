// The built-in configs (data/configs/builtin.yaml, compiled in): the GPU operator's well-known
// config names for every catalog model, usable without a file (`migctl apply -c all-balanced`).
#ifndef MIGKIT_CONFIG_BUILTIN_H_
#define MIGKIT_CONFIG_BUILTIN_H_

#include <string_view>

#include "config/mig_config.h"

namespace migkit {

/// The name errors use for the built-in file.
inline constexpr std::string_view kBuiltinConfigSource = "<built-in configs>";

/// The text of data/configs/builtin.yaml.
std::string_view BuiltinMigConfigText();

/// The parsed built-in configs. Aborts at first use if the compiled-in file is invalid (a build
/// defect; builtin_test catches it first). Safe to call from any thread.
const MigConfigFile& BuiltinMigConfigs();

}  // namespace migkit

#endif  // MIGKIT_CONFIG_BUILTIN_H_
