#include "config/mig_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <vector>

#include "core/strings.h"
#include "yaml/yaml_input.h"

namespace migkit {
namespace {

// A scalar's text for messages: quoted scalars keep their quotes so "true" and true differ.
std::string Shown(const YAML::Node& node) {
  if (node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  if (node.Tag() == "!") return "\"" + node.Scalar() + "\"";
  return node.Scalar();
}

bool IsPlainScalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

// The line of `key` in `map` (the key's own line, which for a block value is the line above the
// value). REQUIRES: the key is present.
int KeyLine(const YAML::Node& map, const std::string& key) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return LineOf(kv.first);
  }
  return LineOf(map);
}

class ConfigParser {
 public:
  explicit ConfigParser(std::string_view source) : source_(source) {}

  MigConfigFile Parse(const YAML::Node& root) {
    MigConfigFile file;
    file.source = source_;
    if (!root || root.IsNull()) {
      Fail(1, "the file is empty; expected 'version: v1' and a 'mig-configs' mapping");
    }
    if (!root.IsMap()) {
      Fail(root,
           "expected a mapping with keys 'version' and 'mig-configs' at the top level, found " +
               Shown(root));
    }
    CheckKeys(root, "at the top level", {"version", "mig-configs"});
    const YAML::Node version = root["version"];
    if (!version) Fail(root, "missing key 'version'; add 'version: v1'");
    if (!version.IsScalar() || version.Scalar() != "v1") {
      Fail(version, "unknown version " + Shown(version) + "; the only valid version is v1");
    }
    const YAML::Node configs = root["mig-configs"];
    if (!configs) Fail(root, "missing key 'mig-configs'");
    if (!configs.IsMap()) {
      Fail(configs,
           "'mig-configs' must map config names to lists of entries, found " + Shown(configs));
    }
    if (configs.size() == 0)
      Fail(configs, "'mig-configs' is empty; at least one config is required");
    for (const auto& kv : configs) {
      NamedMigConfig named;
      named.name = kv.first.Scalar();
      named.line = LineOf(kv.first);
      if (!kv.first.IsScalar() || named.name.empty())
        Fail(kv.first, "a config name must be a non-empty string");
      const YAML::Node& list = kv.second;
      if (!list.IsSequence()) {
        Fail(list.IsNull() ? kv.first : list,
             "config '" + named.name + "' must be a list of entries (\"- devices: ...\"), found " +
                 Shown(list));
      }
      if (list.size() == 0) {
        Fail(kv.first, "config '" + named.name + "' has no entries; at least one is required");
      }
      for (const YAML::Node& entry : list) named.entries.push_back(ParseEntry(entry, named.name));
      file.configs.push_back(std::move(named));
    }
    return file;
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& msg) const { FailAt(source_, line, msg); }
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& msg) const {
    Fail(LineOf(node), msg);
  }

  // Rejects unknown and duplicate keys (yaml-cpp keeps duplicates; mig-parted's decoder rejects
  // unknown fields).
  void CheckKeys(const YAML::Node& map, const std::string& where,
                 const std::vector<std::string>& valid) const {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(valid.begin(), valid.end(), key) == valid.end()) {
        Fail(kv.first, "unknown key '" + key + "' " + where + "; valid keys: " + Join(valid, ", "));
      }
      if (!seen.insert(key).second) Fail(kv.first, "duplicate key '" + key + "' " + where);
    }
  }

  MigConfigEntry ParseEntry(const YAML::Node& node, const std::string& config) {
    const std::string where = "in an entry of '" + config + "'";
    if (!node.IsMap()) {
      Fail(node, "an entry of '" + config +
                     "' must be a mapping with devices, mig-enabled and mig-devices, found " +
                     Shown(node));
    }
    CheckKeys(node, where, {"devices", "device-filter", "mig-enabled", "mig-devices"});
    MigConfigEntry e;
    e.line = LineOf(node);

    const YAML::Node devices = node["devices"];
    if (!devices)
      Fail(node,
           "missing key 'devices' " + where + "; use 'devices: all' or a list such as [0, 1]");
    e.devices_line = KeyLine(node, "devices");
    if (devices.IsScalar()) {
      if (devices.Scalar() != "all") {
        Fail(devices, "'devices' must be 'all' or a list of GPU indexes such as [0, 1], found " +
                          Shown(devices));
      }
      e.all_devices = true;
    } else if (devices.IsSequence()) {
      if (devices.size() == 0) Fail(devices, "'devices' is an empty list; it would select no GPU");
      std::set<int> seen;
      for (const YAML::Node& d : devices) {
        int index = 0;
        if (!IsPlainScalar(d) || !ParseNonNegativeInt(d.Scalar(), &index)) {
          Fail(d, "a GPU index in 'devices' must be a non-negative integer, found " + Shown(d));
        }
        if (!seen.insert(index).second)
          Fail(d, "GPU index " + std::to_string(index) + " is listed twice in 'devices'");
        e.devices.push_back(index);
      }
    } else {
      Fail(devices.IsNull() ? node : devices,
           "'devices' must be 'all' or a list of GPU indexes such as [0, 1], found " +
               Shown(devices));
    }

    if (const YAML::Node filter = node["device-filter"]) {
      e.device_filter_line = KeyLine(node, "device-filter");
      std::vector<YAML::Node> items;
      if (filter.IsScalar()) {
        items.push_back(filter);
      } else if (filter.IsSequence()) {
        for (const YAML::Node& f : filter) items.push_back(f);
        if (items.empty())
          Fail(filter, "'device-filter' is an empty list; omit it to select every model");
      } else {
        Fail(filter.IsNull() ? node : filter,
             "'device-filter' must be a PCI ID string or a list of them, found " + Shown(filter));
      }
      for (const YAML::Node& f : items) {
        if (!f.IsScalar())
          Fail(f,
               "a 'device-filter' item must be a string such as \"0x233010DE\", found " + Shown(f));
        StatusOr<DeviceFilter> parsed = ParseDeviceFilter(Trim(f.Scalar()));
        if (!parsed.ok()) Fail(f, "in 'device-filter': " + parsed.status().message());
        e.device_filter.push_back(*parsed);
      }
    }

    const YAML::Node enabled = node["mig-enabled"];
    if (!enabled) Fail(node, "missing key 'mig-enabled' " + where + "; use true or false");
    const std::string b = enabled.IsScalar() ? ToLower(enabled.Scalar()) : "";
    if (!IsPlainScalar(enabled) || (b != "true" && b != "false")) {
      Fail(enabled.IsNull() ? node : enabled,
           "'mig-enabled' must be true or false, found " + Shown(enabled));
    }
    e.mig_enabled = (b == "true");

    const YAML::Node mig_devices = node["mig-devices"];
    if (mig_devices) {
      e.mig_devices_line = KeyLine(node, "mig-devices");
      if (!mig_devices.IsMap() && !mig_devices.IsNull()) {
        Fail(mig_devices,
             "'mig-devices' must map profile names to counts (such as \"1g.10gb\": 7), found " +
                 Shown(mig_devices));
      }
      std::set<std::string> seen;
      bool any_positive = false;
      if (mig_devices.IsMap()) {
        for (const auto& kv : mig_devices) {
          ProfileCount pc;
          pc.line = LineOf(kv.first);
          if (!kv.first.IsScalar())
            Fail(kv.first, "a 'mig-devices' key must be a profile name such as 1g.10gb");
          StatusOr<MigProfileName> name = ParseMigProfileName(kv.first.Scalar());
          if (!name.ok()) Fail(kv.first, "in 'mig-devices': " + name.status().message());
          pc.profile = *name;
          const std::string canonical = (name->compute == 0 || name->compute == name->slices)
                                            ? name->gi_name
                                            : std::to_string(name->compute) + "c." + name->gi_name;
          if (!seen.insert(canonical).second) {
            Fail(kv.first, "'" + kv.first.Scalar() + "' appears twice in 'mig-devices'");
          }
          if (!IsPlainScalar(kv.second) || !ParseNonNegativeInt(kv.second.Scalar(), &pc.count)) {
            Fail(kv.second.IsNull() ? kv.first : kv.second,
                 "the count of '" + kv.first.Scalar() + "' must be a non-negative integer, found " +
                     Shown(kv.second));
          }
          any_positive |= pc.count > 0;
          e.mig_devices.push_back(std::move(pc));
        }
      }
      if (!e.mig_enabled && !e.mig_devices.empty()) {
        Fail(e.mig_devices_line, "'mig-devices' must be empty when 'mig-enabled' is false");
      }
      if (!e.mig_devices.empty() && !any_positive) {
        Fail(e.mig_devices_line,
             "every count in 'mig-devices' is 0; use 'mig-devices: {}' for no MIG devices");
      }
    } else if (e.mig_enabled) {
      Fail(node,
           "missing key 'mig-devices' " + where +
               " with 'mig-enabled: true'; use 'mig-devices: {}' for MIG mode without devices");
    }
    return e;
  }

  std::string source_;
};

}  // namespace

const NamedMigConfig* MigConfigFile::Find(std::string_view name) const {
  for (const NamedMigConfig& c : configs) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> MigConfigFile::Names() const {
  std::vector<std::string> out;
  for (const NamedMigConfig& c : configs) out.push_back(c.name);
  return out;
}

StatusOr<MigConfigFile> ParseMigConfigFile(std::string_view text, std::string_view source) {
  return ParseYaml<MigConfigFile>(
      text, source, [&](const YAML::Node& root) -> StatusOr<MigConfigFile> {
        MigConfigFile file = ConfigParser(source).Parse(root);
        // Names are map keys, so yaml-cpp could hold duplicates; reject them like other keys.
        std::set<std::string> names;
        for (const NamedMigConfig& c : file.configs) {
          if (!names.insert(c.name).second) {
            return Status::ParseError(std::string(source) + ":" + std::to_string(c.line) +
                                      ": config '" + c.name + "' is defined twice");
          }
        }
        return file;
      });
}

StatusOr<const NamedMigConfig*> SelectConfig(const MigConfigFile& file, std::string_view name) {
  if (name.empty()) {
    if (file.configs.size() == 1) return &file.configs.front();
    return Status::InvalidArgument(file.source + " has " + std::to_string(file.configs.size()) +
                                   " configs; choose one with -c: " + Join(file.Names(), ", "));
  }
  if (const NamedMigConfig* c = file.Find(name)) return c;
  return Status::NotFound(file.source + " has no config '" + std::string(name) +
                          "'; it has: " + Join(file.Names(), ", "));
}

}  // namespace migkit
