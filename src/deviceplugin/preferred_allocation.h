// GetPreferredAllocation's choice: pack a request onto as few GPUs as possible, so that whole
// GPUs stay free for requests that need many devices of one GPU and for reconfiguration.
#ifndef MIGKIT_DEVICEPLUGIN_PREFERRED_ALLOCATION_H_
#define MIGKIT_DEVICEPLUGIN_PREFERRED_ALLOCATION_H_

#include <string>
#include <vector>

#include "deviceplugin/resources.h"

namespace migkit {

/// `size` IDs from `available` (IDs not in `devices` are ignored), always including
/// `must_include`, on the fewest GPUs: the GPUs of `must_include` first, then the GPUs with the
/// most available devices, lower index on ties; devices in `devices` order within a GPU. Fewer
/// than `size` IDs when not enough are available.
std::vector<std::string> PreferredAllocation(const std::vector<PluginDevice>& devices,
                                             const std::vector<std::string>& available,
                                             const std::vector<std::string>& must_include,
                                             int size);

}  // namespace migkit

#endif  // MIGKIT_DEVICEPLUGIN_PREFERRED_ALLOCATION_H_
