#include "core/status.h"

namespace migkit {

std::string_view CodeText(Code code) {
  // The NVML texts are the driver's own (DCGM's copy of nvmlErrorString, mig-facts.md §6.1).
  switch (code) {
    case Code::kOk:
      return "Success";
    case Code::kUninitialized:
      return "Uninitialized";
    case Code::kInvalidArgument:
      return "Invalid Argument";
    case Code::kNotSupported:
      return "Not Supported";
    case Code::kNoPermission:
      return "Insufficient Permissions";
    case Code::kAlreadyInitialized:
      return "Already Initialized";
    case Code::kNotFound:
      return "Not Found";
    case Code::kInsufficientSize:
      return "Insufficient Size";
    case Code::kTimeout:
      return "Timeout";
    case Code::kResetRequired:
      return "GPU requires reset";
    case Code::kInUse:
      return "In use by another client";
    case Code::kInsufficientResources:
      return "Insufficient Resources";
    case Code::kArgumentVersionMismatch:
      return "Argument version mismatch";
    case Code::kInvalidState:
      return "Invalid state";
    case Code::kUnknown:
      return "Unknown Error";
    case Code::kCorruption:
      return "Corrupt state";
    case Code::kIoError:
      return "I/O error";
    case Code::kParseError:
      return "Parse error";
  }
  return "Unknown Error";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeText(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  if (!message_.empty()) {
    msg += ": ";
    msg += message_;
  }
  return Status(code_, std::move(msg));
}

}  // namespace migkit
