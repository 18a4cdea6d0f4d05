#include "emu/node_state_cc.h"

namespace migkit {
namespace {

using nlohmann::json;

// Whether `key` is to be read: false when a format-1 file rightly lacks it; a defect when the
// file's format says otherwise.
Status Present(const json& obj, const char* key, CcFields fields, const CorruptFn& corrupt,
               const std::string& where, bool* present) {
  *present = obj.contains(key);
  if (fields == CcFields::kRequired && !*present) {
    return corrupt(where + "has no " + std::string(key));
  }
  if (fields == CcFields::kAbsent && *present) {
    return corrupt(where + std::string(key) +
                   " is a confidential-computing field, which format 1 files do not have");
  }
  return Status::Ok();
}

// A string field parsed by `parse`; absent (format 1) leaves *out unchanged.
template <typename T, typename ParseFn>
Status WordField(const json& obj, const char* key, CcFields fields, ParseFn parse,
                 const CorruptFn& corrupt, const std::string& where, T* out) {
  bool present = false;
  MIGKIT_RETURN_IF_ERROR(Present(obj, key, fields, corrupt, where, &present));
  if (!present) return Status::Ok();
  if (!obj[key].is_string()) return corrupt(where + std::string(key) + " is not a string");
  StatusOr<T> v = parse(obj[key].template get<std::string>());
  if (!v.ok()) return corrupt(where + v.status().message());
  *out = *v;
  return Status::Ok();
}

Status BoolField(const json& obj, const char* key, CcFields fields, const CorruptFn& corrupt,
                 const std::string& where, bool* out) {
  bool present = false;
  MIGKIT_RETURN_IF_ERROR(Present(obj, key, fields, corrupt, where, &present));
  if (!present) return Status::Ok();
  if (!obj[key].is_boolean()) return corrupt(where + std::string(key) + " is not true or false");
  *out = obj[key].get<bool>();
  return Status::Ok();
}

}  // namespace

void SerializeGpuCc(const GpuCcState& cc, json* gpu) {
  (*gpu)["cc_mode"] = std::string(CcModeName(cc.current));
  (*gpu)["cc_mode_pending"] = std::string(CcModeName(cc.pending));
  (*gpu)["ppcie"] = cc.ppcie_current;
  (*gpu)["ppcie_pending"] = cc.ppcie_pending;
}

Status ParseGpuCc(const json& gpu, const GpuModel& model, size_t index, CcFields fields,
                  const CorruptFn& corrupt, GpuCcState* cc) {
  const std::string where = "GPU " + std::to_string(index) + ": ";
  MIGKIT_RETURN_IF_ERROR(
      WordField(gpu, "cc_mode", fields, ParseCcMode, corrupt, where, &cc->current));
  MIGKIT_RETURN_IF_ERROR(
      WordField(gpu, "cc_mode_pending", fields, ParseCcMode, corrupt, where, &cc->pending));
  MIGKIT_RETURN_IF_ERROR(BoolField(gpu, "ppcie", fields, corrupt, where, &cc->ppcie_current));
  MIGKIT_RETURN_IF_ERROR(
      BoolField(gpu, "ppcie_pending", fields, corrupt, where, &cc->ppcie_pending));
  if (!model.cc.cc && (cc->current != CcMode::kOff || cc->pending != CcMode::kOff)) {
    return corrupt(where + model.id + " has no confidential computing mode");
  }
  if (!model.cc.ppcie && (cc->ppcie_current || cc->ppcie_pending)) {
    return corrupt(where + model.id + " has no Protected PCIe mode");
  }
  if ((cc->current != CcMode::kOff && cc->ppcie_current) ||
      (cc->pending != CcMode::kOff && cc->ppcie_pending)) {
    return corrupt(where + "CC and Protected PCIe are both on; they exclude each other");
  }
  return Status::Ok();
}

void SerializeNodeCc(const NodeCcState& cc, json* root) {
  (*root)["cc"] = {{"ready", cc.ready},
                   {"ready_latched", cc.ready_latched},
                   {"attacker_advantage", cc.attacker_advantage},
                   {"mig_with_cc", std::string(MigWithCcPolicyName(cc.mig_with_cc))},
                   {"cpu_caps", std::string(CcCpuCapsName(cc.cpu_caps))}};
}

Status ParseNodeCc(const json& root, CcFields fields, const CorruptFn& corrupt, NodeCcState* cc) {
  bool present = false;
  MIGKIT_RETURN_IF_ERROR(Present(root, "cc", fields, corrupt, "the file ", &present));
  if (!present) return Status::Ok();
  const json& j = root["cc"];
  const std::string where = "cc: ";
  if (!j.is_object()) return corrupt("cc is not an object");
  MIGKIT_RETURN_IF_ERROR(BoolField(j, "ready", fields, corrupt, where, &cc->ready));
  MIGKIT_RETURN_IF_ERROR(BoolField(j, "ready_latched", fields, corrupt, where, &cc->ready_latched));
  MIGKIT_RETURN_IF_ERROR(Present(j, "attacker_advantage", fields, corrupt, where, &present));
  if (present) {
    const json& a = j["attacker_advantage"];
    if (!a.is_number_unsigned() || a.get<std::uint64_t>() < kCcAttackerAdvantageMin ||
        a.get<std::uint64_t>() > kCcAttackerAdvantageMax) {
      return corrupt(where + "attacker_advantage is not a number in " +
                     std::to_string(kCcAttackerAdvantageMin) + ".." +
                     std::to_string(kCcAttackerAdvantageMax));
    }
    cc->attacker_advantage = a.get<std::uint64_t>();
  }
  MIGKIT_RETURN_IF_ERROR(
      WordField(j, "mig_with_cc", fields, ParseMigWithCcPolicy, corrupt, where, &cc->mig_with_cc));
  MIGKIT_RETURN_IF_ERROR(
      WordField(j, "cpu_caps", fields, ParseCcCpuCaps, corrupt, where, &cc->cpu_caps));
  return Status::Ok();
}

}  // namespace migkit
