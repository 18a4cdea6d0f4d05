#include "catalog/catalog.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <utility>

#include "catalog/builtin_data.h"
#include "core/strings.h"
#include "env/env.h"
#include "yaml/yaml_input.h"

namespace migkit {
namespace {

class ModelParser {
 public:
  explicit ModelParser(std::string_view source) : source_(source) {}

  GpuModel Parse(const YAML::Node& root) {
    if (!root.IsMap()) Fail(root, "expected a mapping of model fields at the top level");
    CheckKeys(root, {"id", "product_name", "aliases", "pci_device_id", "pci_subsystem_id",
                     "architecture", "compute_capability", "memory_mib", "multiprocessors",
                     "compute_slices", "memory_slices", "placement_units", "max_gpu_instances",
                     "mode_change", "auto_placement_order", "unconfirmed", "notes",
                     "gpu_instance_profiles", "confidential_computing"});
    GpuModel m;
    m.id = String(root, "id");
    m.product_name = String(root, "product_name");
    if (root["aliases"]) m.aliases = StringList(root["aliases"], "aliases");
    m.pci_device_id = static_cast<std::uint32_t>(Int(root, "pci_device_id", 0, 0xFFFFFFFFLL));
    if (root["pci_subsystem_id"]) {
      m.pci_subsystem_id =
          static_cast<std::uint32_t>(Int(root, "pci_subsystem_id", 0, 0xFFFFFFFFLL));
    }
    const std::string arch = String(root, "architecture");
    if (arch == "ampere")
      m.architecture = Architecture::kAmpere;
    else if (arch == "hopper")
      m.architecture = Architecture::kHopper;
    else if (arch == "blackwell")
      m.architecture = Architecture::kBlackwell;
    else
      Fail(root["architecture"],
           "architecture '" + arch + "' is not one of ampere, hopper, blackwell");
    const std::string cc = String(root, "compute_capability");
    const std::vector<std::string> cc_parts = Split(cc, '.');
    if (cc_parts.size() != 2 || !ParseNonNegativeInt(cc_parts[0], &m.cuda_major) ||
        !ParseNonNegativeInt(cc_parts[1], &m.cuda_minor)) {
      Fail(root["compute_capability"], "compute_capability '" + cc + "' is not MAJOR.MINOR");
    }
    m.memory_mib = static_cast<std::uint64_t>(Int(root, "memory_mib", 1, 1LL << 40));
    m.multiprocessors = static_cast<int>(Int(root, "multiprocessors", 1, 10000));
    m.compute_slices = static_cast<int>(Int(root, "compute_slices", 1, 8));
    m.memory_slices = static_cast<int>(Int(root, "memory_slices", 1, 8));
    m.placement_units = static_cast<int>(Int(root, "placement_units", 1, 16));
    m.max_gpu_instances = static_cast<int>(Int(root, "max_gpu_instances", 1, 16));
    const std::string mode = String(root, "mode_change");
    if (mode == "pending-until-reset")
      m.mode_change = ModeChangeRule::kPendingUntilReset;
    else if (mode == "immediate")
      m.mode_change = ModeChangeRule::kImmediate;
    else
      Fail(root["mode_change"],
           "mode_change '" + mode + "' is not pending-until-reset or immediate");
    if (root["unconfirmed"]) m.unconfirmed = StringList(root["unconfirmed"], "unconfirmed");
    if (root["notes"]) m.notes = String(root, "notes");
    if (const YAML::Node order = root["auto_placement_order"]) {
      if (!order.IsMap())
        Fail(order, "auto_placement_order must map a placement size to a list of starts");
      for (const auto& kv : order) {
        const int size =
            static_cast<int>(Scalar<long long>(kv.first, "placement size", 1, m.placement_units));
        m.auto_placement_order[size] =
            IntList(kv.second, "auto_placement_order", 0, m.placement_units - 1);
      }
    }
    if (root["confidential_computing"]) m.cc = ParseCc(root["confidential_computing"]);
    const YAML::Node profiles = root["gpu_instance_profiles"];
    if (!profiles) Fail(root, "missing key 'gpu_instance_profiles'");
    if (!profiles.IsSequence() || profiles.size() == 0) {
      Fail(profiles, "gpu_instance_profiles must be a non-empty list");
    }
    for (const YAML::Node& p : profiles) m.gi_profiles.push_back(ParseProfile(p, m));
    std::sort(m.gi_profiles.begin(), m.gi_profiles.end(),
              [](const GiProfile& a, const GiProfile& b) { return a.nvml_index < b.nvml_index; });
    CheckModel(root, m);
    return m;
  }

 private:
  // The `confidential_computing:` block (cc-facts.md §2). Absent: no CC support.
  CcSupport ParseCc(const YAML::Node& n) {
    if (!n.IsMap())
      Fail(n,
           "confidential_computing must be a mapping of cc, ppcie, nvlink_encryption, min_driver");
    CheckKeys(n, {"cc", "ppcie", "nvlink_encryption", "min_driver", "early_access_driver"});
    CcSupport c;
    if (n["cc"]) c.cc = Scalar<bool>(n["cc"], "cc", 0, 1);
    if (n["ppcie"]) c.ppcie = Scalar<bool>(n["ppcie"], "ppcie", 0, 1);
    if (n["nvlink_encryption"])
      c.nvlink_encryption = Scalar<bool>(n["nvlink_encryption"], "nvlink_encryption", 0, 1);
    if (n["min_driver"]) c.min_driver = String(n, "min_driver");
    if (n["early_access_driver"]) c.early_access_driver = String(n, "early_access_driver");
    if ((c.cc || c.ppcie || c.nvlink_encryption) && c.min_driver.empty()) {
      Fail(n, "min_driver is required when a confidential computing mode is supported");
    }
    if (!c.cc && (c.ppcie || c.nvlink_encryption)) {
      Fail(n, "ppcie and nvlink_encryption are multi-GPU CC modes and need cc: true");
    }
    return c;
  }

  GiProfile ParseProfile(const YAML::Node& n, const GpuModel& m) {
    if (!n.IsMap()) Fail(n, "each GPU instance profile must be a mapping");
    CheckKeys(n, {"name", "nvml_index", "id", "slices", "placement_size", "instances", "memory_mib",
                  "sms", "ce", "dec", "enc", "jpeg", "ofa", "p2p", "placements", "unconfirmed"});
    GiProfile p;
    p.name = String(n, "name");
    p.nvml_index = static_cast<int>(Int(n, "nvml_index", 0, 0x11));
    p.id = static_cast<int>(Int(n, "id", 0, 1000));
    p.slices = static_cast<int>(Int(n, "slices", 1, m.compute_slices));
    p.placement_size = static_cast<int>(Int(n, "placement_size", 1, m.placement_units));
    p.instance_count = static_cast<int>(Int(n, "instances", 1, 16));
    p.memory_mib = static_cast<std::uint64_t>(Int(n, "memory_mib", 0, 1LL << 40));
    p.multiprocessors = static_cast<int>(Int(n, "sms", 0, 10000));
    p.copy_engines = static_cast<int>(Int(n, "ce", 0, 64));
    p.decoders = static_cast<int>(Int(n, "dec", 0, 64));
    p.encoders = static_cast<int>(Int(n, "enc", 0, 64));
    p.jpeg = static_cast<int>(Int(n, "jpeg", 0, 64));
    p.ofa = static_cast<int>(Int(n, "ofa", 0, 64));
    if (n["p2p"]) p.p2p = Scalar<bool>(n["p2p"], "p2p", 0, 1);
    p.placement_starts = IntList(n["placements"], "placements", 0, m.placement_units - 1);
    if (!std::is_sorted(p.placement_starts.begin(), p.placement_starts.end())) {
      Fail(n["placements"], p.name + ": placements must be in ascending order");
    }
    for (int s : p.placement_starts) {
      if (s % p.placement_size != 0 || s + p.placement_size > m.placement_units) {
        Fail(n["placements"], p.name + ": start " + std::to_string(s) + " with size " +
                                  std::to_string(p.placement_size) +
                                  " is not aligned or leaves the " +
                                  std::to_string(m.placement_units) + "-unit axis");
      }
    }
    if (n["unconfirmed"]) p.unconfirmed = StringList(n["unconfirmed"], "unconfirmed");
    // The variant suffix decides how media engines are shared (mig-facts.md §3.12).
    if (p.name.ends_with("+me.all"))
      p.media = MediaUse::kAll;
    else if (p.name.ends_with("-me"))
      p.media = MediaUse::kNone;
    p.graphics = p.name.find("+gfx") != std::string::npos;
    return p;
  }

  void CheckModel(const YAML::Node& root, const GpuModel& m) {
    std::set<int> ids, indexes;
    std::set<std::string> names;
    for (const GiProfile& p : m.gi_profiles) {
      if (!ids.insert(p.id).second)
        Fail(root, "profile ID " + std::to_string(p.id) + " appears twice");
      if (!indexes.insert(p.nvml_index).second) {
        Fail(root, "NVML index " + std::to_string(p.nvml_index) + " appears twice");
      }
      if (!names.insert(ToLower(p.name)).second)
        Fail(root, "profile name " + p.name + " appears twice");
    }
    if (m.FullProfile() == nullptr) {
      Fail(root, "no profile covers all " + std::to_string(m.placement_units) + " placement units");
    }
  }

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& msg) const {
    std::string where(source_);
    if (node.IsDefined() && node.Mark().line >= 0)
      where += ":" + std::to_string(node.Mark().line + 1);
    throw ParseFailure{where + ": " + msg};
  }

  void CheckKeys(const YAML::Node& map, std::initializer_list<const char*> allowed) const {
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      bool ok = false;
      for (const char* a : allowed) ok |= (key == a);
      if (!ok) {
        std::vector<std::string> valid(allowed.begin(), allowed.end());
        Fail(kv.first, "unknown key '" + key + "' (valid: " + Join(valid, ", ") + ")");
      }
    }
  }

  template <typename T>
  T Scalar(const YAML::Node& n, const std::string& what, long long lo, long long hi) const {
    if (!n.IsScalar()) Fail(n, what + " must be a single value");
    try {
      T v = n.as<T>();
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (v < lo || v > hi) {
          Fail(n, what + " " + n.Scalar() + " is outside " + std::to_string(lo) + ".." +
                      std::to_string(hi));
        }
      }
      return v;
    } catch (const YAML::Exception&) {
      Fail(n, what + " '" + n.Scalar() + "' is not a valid " +
                  (std::is_same_v<T, bool> ? "boolean" : "number"));
    }
  }

  long long Int(const YAML::Node& map, const char* key, long long lo, long long hi) const {
    const YAML::Node n = map[key];
    if (!n) Fail(map, std::string("missing key '") + key + "'");
    return Scalar<long long>(n, key, lo, hi);
  }

  std::string String(const YAML::Node& map, const char* key) const {
    const YAML::Node n = map[key];
    if (!n) Fail(map, std::string("missing key '") + key + "'");
    if (!n.IsScalar() || n.Scalar().empty())
      Fail(n, std::string(key) + " must be a non-empty string");
    return n.Scalar();
  }

  std::vector<std::string> StringList(const YAML::Node& n, const std::string& what) const {
    if (!n.IsSequence()) Fail(n, what + " must be a list");
    std::vector<std::string> out;
    for (const YAML::Node& item : n) {
      if (!item.IsScalar()) Fail(item, what + " entries must be strings");
      out.push_back(item.Scalar());
    }
    return out;
  }

  std::vector<int> IntList(const YAML::Node& n, const std::string& what, int lo, int hi) const {
    if (!n) Fail(n, "missing " + what);
    if (!n.IsSequence()) Fail(n, what + " must be a list of numbers");
    std::vector<int> out;
    for (const YAML::Node& item : n)
      out.push_back(static_cast<int>(Scalar<long long>(item, what, lo, hi)));
    return out;
  }

  std::string source_;
};

}  // namespace

StatusOr<GpuModel> ParseGpuModel(std::string_view yaml_text, std::string_view source) {
  // Not ParseYaml: a catalog file's yaml-cpp errors have always read "<file>:<line>: <message>",
  // without "malformed YAML", and MIGKIT_CATALOG users may match on that.
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    return ModelParser(source).Parse(root);
  } catch (const ParseFailure& e) {
    return Status::ParseError(e.message);
  } catch (const YAML::Exception& e) {
    return Status::ParseError(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": " +
                              e.msg);
  }
}

namespace {

// "A100-SXM4-40GB.yaml" -> "A100-SXM4-40GB" (catalog_test checks that it is the model's id).
std::string_view IdOfFile(const EmbeddedFile& f) {
  std::string_view name = f.name;
  if (const size_t dot = name.rfind('.'); dot != std::string_view::npos) name = name.substr(0, dot);
  return name;
}

// The top-level `product_name:` value of a built-in file, read without parsing the file: the
// built-in files write it on one line as a plain or double-quoted scalar (catalog_test checks
// that a lookup by every model's product name parses that one file only). Empty if absent.
std::string_view ProductNameOfFile(const EmbeddedFile& f) {
  constexpr std::string_view kKey = "product_name:";
  const std::string_view text = f.text;
  size_t at = 0;
  while ((at = text.find(kKey, at)) != std::string_view::npos && at != 0 && text[at - 1] != '\n') {
    at += kKey.size();
  }
  if (at == std::string_view::npos) return {};
  const size_t begin = at + kKey.size();
  std::string_view value = text.substr(begin, text.find('\n', begin) - begin);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
    value.remove_suffix(1);
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

// Each built-in file is parsed at most once per process, and every catalog that needs it (copies
// of BuiltIn() included) shares the result: a model has one address however it was found, as
// when BuiltIn() parsed every file up front. Aborts on an invalid file (a build defect;
// catalog_test parses them all).
std::shared_ptr<const GpuModel> BuiltInModel(const EmbeddedFile& f) {
  static std::mutex mu;
  static std::map<const EmbeddedFile*, std::shared_ptr<const GpuModel>> parsed;
  std::lock_guard<std::mutex> lock(mu);
  std::shared_ptr<const GpuModel>& slot = parsed[&f];
  if (slot == nullptr) {
    StatusOr<GpuModel> m = ParseGpuModel(f.text, f.name);
    if (!m.ok()) {
      std::cerr << "migkit: built-in GPU catalog is invalid: " << m.status().ToString() << "\n";
      std::abort();
    }
    slot = std::make_shared<const GpuModel>(std::move(m).value());
  }
  return slot;
}

}  // namespace

// Copies and moves take the source's lock: another thread may be parsing into it.
Catalog::Catalog(const Catalog& other) { *this = other; }

Catalog::Catalog(Catalog&& other) noexcept { *this = std::move(other); }

Catalog& Catalog::operator=(const Catalog& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(mu_, other.mu_);
  models_ = other.models_;
  pending_ = other.pending_;
  unparsed_ = other.unparsed_;
  return *this;
}

Catalog& Catalog::operator=(Catalog&& other) noexcept {
  if (this == &other) return *this;
  std::scoped_lock lock(mu_, other.mu_);
  models_ = std::exchange(other.models_, {});
  pending_ = std::exchange(other.pending_, {});
  unparsed_ = std::exchange(other.unparsed_, 0);
  return *this;
}

const Catalog& Catalog::BuiltIn() {
  // An object, not a pointer that is never deleted: libnvidia-ml.so.1 links this code, and a
  // client that dlopens and dlcloses it repeatedly must get the memory back each time (a static
  // in a shared object is destroyed at dlclose). Nothing uses the catalog after main returns.
  // The files are parsed on first use (see catalog.h).
  static const Catalog kCatalog = FreshBuiltIn();
  return kCatalog;
}

Catalog Catalog::FreshBuiltIn() {
  Catalog c;
  for (const EmbeddedFile& f : BuiltinCatalogFiles()) {
    c.models_.push_back(nullptr);
    c.pending_.push_back(&f);
    ++c.unparsed_;
  }
  return c;
}

const GpuModel* Catalog::ParsedLocked(size_t i) const {
  if (models_[i] == nullptr) {
    models_[i] = BuiltInModel(*pending_[i]);
    pending_[i] = nullptr;
    --unparsed_;
  }
  return models_[i].get();
}

void Catalog::ParseAllLocked() const {
  for (size_t i = 0; unparsed_ > 0 && i < models_.size(); ++i) ParsedLocked(i);
}

const std::vector<std::shared_ptr<const GpuModel>>& Catalog::models() const {
  std::lock_guard<std::mutex> lock(mu_);
  ParseAllLocked();
  return models_;  // complete from here on: only non-const members change it
}

StatusOr<Catalog> Catalog::Load() {
  Catalog c = BuiltIn();
  if (const char* path = std::getenv("MIGKIT_CATALOG"); path != nullptr && *path != '\0') {
    Status s = c.AddFromPath(path);
    if (!s.ok()) return s.WithContext("MIGKIT_CATALOG");
  }
  return c;
}

void Catalog::Add(GpuModel model) {
  std::lock_guard<std::mutex> lock(mu_);
  // A model may replace a built-in one by any of its names' owner, so the built-ins must be known.
  ParseAllLocked();
  auto shared = std::make_shared<const GpuModel>(std::move(model));
  for (auto& existing : models_) {
    if (EqualsIgnoreCase(existing->id, shared->id)) {
      existing = shared;
      return;
    }
  }
  models_.push_back(std::move(shared));
  pending_.push_back(nullptr);
}

Status Catalog::AddFromPath(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
  } else if (fs::exists(path, ec)) {
    files.push_back(path);
  } else {
    return Status::NotFound(path + ": no such file or directory");
  }
  for (const fs::path& f : files) {
    std::string text;
    MIGKIT_RETURN_IF_ERROR(Env::Default()->ReadFile(f.string(), &text));
    StatusOr<GpuModel> m = ParseGpuModel(text, f.string());
    if (!m.ok()) return m.status();
    Add(std::move(m).value());
  }
  return Status::Ok();
}

const GpuModel* Catalog::Find(std::string_view name) const {
  const std::string wanted = Trim(name);
  std::lock_guard<std::mutex> lock(mu_);
  if (unparsed_ > 0) {
    // By id or product name, parsing only the file that has it. Exact: no name of a model is a
    // name of another (catalog_test), so the full search below would find the same model.
    for (size_t i = 0; i < models_.size(); ++i) {
      const bool match = models_[i] != nullptr
                             ? EqualsIgnoreCase(models_[i]->id, wanted) ||
                                   EqualsIgnoreCase(models_[i]->product_name, wanted)
                             : EqualsIgnoreCase(IdOfFile(*pending_[i]), wanted) ||
                                   EqualsIgnoreCase(ProductNameOfFile(*pending_[i]), wanted);
      if (match) return ParsedLocked(i);
    }
    ParseAllLocked();
  }
  for (const auto& m : models_) {
    if (EqualsIgnoreCase(m->id, wanted) || EqualsIgnoreCase(m->product_name, wanted))
      return m.get();
  }
  for (const auto& m : models_) {
    for (const std::string& a : m->aliases) {
      if (EqualsIgnoreCase(a, wanted)) return m.get();
    }
  }
  return nullptr;
}

const GpuModel* Catalog::FindByPciDeviceId(std::uint32_t pci_device_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  ParseAllLocked();
  for (const auto& m : models_) {
    if (m->pci_device_id == pci_device_id) return m.get();
  }
  return nullptr;
}

size_t Catalog::parsed_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return models_.size() - unparsed_;
}

std::vector<std::string> Catalog::Ids() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (size_t i = 0; i < models_.size(); ++i) {
    out.emplace_back(models_[i] != nullptr ? std::string_view(models_[i]->id)
                                           : IdOfFile(*pending_[i]));
  }
  return out;
}

}  // namespace migkit
