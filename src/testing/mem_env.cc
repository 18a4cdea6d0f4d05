#include "testing/mem_env.h"

namespace migkit {

Status MemEnv::ReadFile(const std::string& path, std::string* contents) {
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(path + ": no such file");
  *contents = it->second;
  return Status::Ok();
}

Status MemEnv::WriteFileAtomic(const std::string& path, std::string_view contents) {
  files_[path] = std::string(contents);
  return Status::Ok();
}

Status MemEnv::CreateDirs(const std::string&) { return Status::Ok(); }

StatusOr<std::unique_ptr<FileLock>> MemEnv::Lock(const std::string&, bool) {
  return std::unique_ptr<FileLock>(new FileLock());
}

std::string MemEnv::Contents(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? "" : it->second;
}

}  // namespace migkit
