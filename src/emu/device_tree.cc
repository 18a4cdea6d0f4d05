#include "emu/device_tree.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "core/device_files.h"

namespace migkit {
namespace {

namespace fs = std::filesystem;

Status WriteText(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return Status::Unknown("cannot create " + path.parent_path().string() + ": " + ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::Unknown("cannot write " + path.string());
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<std::string>> WriteDeviceTree(const NodeState& state,
                                                   const std::string& root) {
  std::vector<std::string> files = {"proc/driver/nvidia-caps/mig-minors", "dev/nvidiactl"};
  for (size_t i = 0; i < state.gpus.size(); ++i) {
    files.push_back(GpuDeviceFile(static_cast<int>(i)).substr(1));
  }
  std::set<std::string> caps = {CapDeviceFile(kMigConfigCapMinor).substr(1),
                                CapDeviceFile(kMigMonitorCapMinor).substr(1)};
  for (size_t i = 0; i < state.gpus.size(); ++i) {
    for (const MigDeviceRef& m : MigDevices(state.gpus[i].state)) {
      const MigDeviceFiles f = MigDeviceFilesFor(static_cast<int>(i), m.gi_id, m.ci_id);
      caps.insert(f.gi.substr(1));
      caps.insert(f.ci.substr(1));
    }
  }
  // Capability files of instances that are gone go, as the driver's would.
  std::error_code ec;
  const fs::path caps_dir = fs::path(root) / "dev/nvidia-caps";
  if (fs::is_directory(caps_dir, ec)) {
    for (const fs::directory_entry& e : fs::directory_iterator(caps_dir, ec)) {
      const std::string rel = "dev/nvidia-caps/" + e.path().filename().string();
      if (caps.count(rel) == 0) fs::remove(e.path(), ec);
    }
  }
  files.insert(files.end(), caps.begin(), caps.end());
  for (const std::string& rel : files) {
    const std::string text = rel == files.front() ? MigMinorsText() : std::string();
    const Status s = WriteText(fs::path(root) / rel, text);
    if (!s.ok()) return s;
  }
  return files;
}

}  // namespace migkit
