#include "reconfig/busy.h"

#include <ctime>
#include <nlohmann/json.hpp>

namespace migkit {
namespace {

bool Expired(const BusyMark& m, std::int64_t now) {
  return m.expires_micros.has_value() && *m.expires_micros <= now;
}

std::vector<BusyMark> Live(std::vector<BusyMark> marks, std::int64_t now) {
  std::erase_if(marks, [&](const BusyMark& m) { return Expired(m, now); });
  return marks;
}

}  // namespace

std::string FormatUtc(std::int64_t micros) {
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  if (micros < 0 && micros % 1000000 != 0) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string BusyMark::ToString() const {
  std::string s = gpu_uuid + " GI " + std::to_string(gi_id);
  if (ci_id.has_value()) s += " CI " + std::to_string(*ci_id);
  std::string extra;
  if (!holder.empty()) extra = "held by " + holder;
  if (expires_micros.has_value()) {
    extra += (extra.empty() ? "" : ", ") + std::string("until ") + FormatUtc(*expires_micros);
  }
  if (!extra.empty()) s += " (" + extra + ")";
  return s;
}

std::string SerializeBusyMarks(const std::vector<BusyMark>& marks) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const BusyMark& m : marks) {
    nlohmann::ordered_json j;
    j["gpu_uuid"] = m.gpu_uuid;
    j["gi_id"] = m.gi_id;
    if (m.ci_id.has_value()) j["ci_id"] = *m.ci_id;
    j["holder"] = m.holder;
    j["created_micros"] = m.created_micros;
    if (m.expires_micros.has_value()) j["expires_micros"] = *m.expires_micros;
    list.push_back(std::move(j));
  }
  nlohmann::ordered_json root;
  root["format"] = 1;
  root["marks"] = std::move(list);
  return root.dump(2) + "\n";
}

StatusOr<std::vector<BusyMark>> ParseBusyMarks(std::string_view text, const std::string& path) {
  try {
    const nlohmann::json root = nlohmann::json::parse(text);
    if (!root.is_object() || root.value("format", 0) != 1 || !root.contains("marks") ||
        !root["marks"].is_array()) {
      return Status::Corruption(path +
                                ": not a busy-mark file of format 1 (expected {\"format\": 1, "
                                "\"marks\": [...]}); remove it to start over");
    }
    std::vector<BusyMark> out;
    for (const nlohmann::json& j : root["marks"]) {
      BusyMark m;
      m.gpu_uuid = j.at("gpu_uuid").get<std::string>();
      m.gi_id = j.at("gi_id").get<int>();
      if (j.contains("ci_id")) m.ci_id = j["ci_id"].get<int>();
      m.holder = j.value("holder", std::string());
      m.created_micros = j.value("created_micros", std::int64_t{0});
      if (j.contains("expires_micros")) m.expires_micros = j["expires_micros"].get<std::int64_t>();
      out.push_back(std::move(m));
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path + ": " + e.what() + "; remove the file to start over");
  }
}

StatusOr<std::vector<BusyMark>> BusyStore::ReadLocked() {
  std::string text;
  Status s = env_->ReadFile(path(), &text);
  if (s.code() == Code::kNotFound) return std::vector<BusyMark>{};
  if (!s.ok()) return s;
  return ParseBusyMarks(text, path());
}

Status BusyStore::WriteLocked(const std::vector<BusyMark>& marks) {
  return env_->WriteFileAtomic(path(), SerializeBusyMarks(marks));
}

Status BusyStore::LockAndReadLive(bool exclusive, std::int64_t now_micros,
                                  std::unique_ptr<FileLock>* lock, std::vector<BusyMark>* live) {
  MIGKIT_RETURN_IF_ERROR(env_->CreateDirs(dir_));
  StatusOr<std::unique_ptr<FileLock>> locked = env_->Lock(lock_path(), exclusive);
  if (!locked.ok()) return locked.status();
  *lock = std::move(locked).value();
  StatusOr<std::vector<BusyMark>> marks = ReadLocked();
  if (!marks.ok()) return marks.status();
  *live = Live(std::move(marks).value(), now_micros);
  return Status::Ok();
}

StatusOr<std::vector<BusyMark>> BusyStore::List(std::int64_t now_micros) {
  std::unique_ptr<FileLock> lock;
  std::vector<BusyMark> live;
  MIGKIT_RETURN_IF_ERROR(LockAndReadLive(/*exclusive=*/false, now_micros, &lock, &live));
  return live;
}

Status BusyStore::Add(const BusyMark& mark, std::int64_t now_micros) {
  std::unique_ptr<FileLock> lock;
  std::vector<BusyMark> live;
  MIGKIT_RETURN_IF_ERROR(LockAndReadLive(/*exclusive=*/true, now_micros, &lock, &live));
  std::erase_if(live, [&](const BusyMark& m) {
    return m.gpu_uuid == mark.gpu_uuid && m.gi_id == mark.gi_id && m.ci_id == mark.ci_id &&
           m.holder == mark.holder;
  });
  live.push_back(mark);
  return WriteLocked(live);
}

StatusOr<int> BusyStore::Remove(std::string_view gpu_uuid, int gi_id, std::optional<int> ci_id,
                                std::string_view holder, std::int64_t now_micros) {
  std::unique_ptr<FileLock> lock;
  std::vector<BusyMark> live;
  MIGKIT_RETURN_IF_ERROR(LockAndReadLive(/*exclusive=*/true, now_micros, &lock, &live));
  const size_t before = live.size();
  std::erase_if(live, [&](const BusyMark& m) {
    return m.gpu_uuid == gpu_uuid && m.gi_id == gi_id && (!ci_id.has_value() || m.ci_id == ci_id) &&
           (holder.empty() || m.holder == holder);
  });
  const int removed = static_cast<int>(before - live.size());
  MIGKIT_RETURN_IF_ERROR(WriteLocked(live));
  return removed;
}

StatusOr<int> BusyStore::RemoveStale(const std::vector<GpuInfo>& gpus, std::int64_t now_micros) {
  std::unique_ptr<FileLock> lock;
  std::vector<BusyMark> live;
  MIGKIT_RETURN_IF_ERROR(LockAndReadLive(/*exclusive=*/true, now_micros, &lock, &live));
  const size_t before = live.size();
  std::erase_if(live, [&](const BusyMark& m) {
    for (const GpuInfo& g : gpus) {
      if (g.uuid != m.gpu_uuid) continue;
      const GpuInstance* gi = g.state.FindGpuInstance(m.gi_id);
      if (gi == nullptr) return true;
      if (!m.ci_id.has_value()) return false;
      for (const ComputeInstance& ci : gi->compute_instances) {
        if (ci.id == *m.ci_id) return false;
      }
      return true;
    }
    return false;  // a GPU this snapshot does not know: keep
  });
  const int removed = static_cast<int>(before - live.size());
  if (removed > 0 || before != live.size()) MIGKIT_RETURN_IF_ERROR(WriteLocked(live));
  return removed;
}

}  // namespace migkit
