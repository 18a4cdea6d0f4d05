// Status: the single result type of migkit.
//
// A Status is either OK or an error code plus a human-readable message. The codes are named after,
// and numbered like, NVML's nvmlReturn_t (mig-facts.md §6.1), so that the NVML layer converts a
// Status exactly once at the ABI boundary and migctl can print the driver's own reason
// ("Insufficient Resources") followed by migkit's explanation. Codes that NVML does not have
// (kCorruption, kIoError, kParseError) map to NVML_ERROR_UNKNOWN there.
//
// Thread-safety: Status is a value type; distinct objects may be used from different threads.
#ifndef MIGKIT_CORE_STATUS_H_
#define MIGKIT_CORE_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace migkit {

/// Error codes. Values equal to nvmlReturn_t where NVML has the concept.
enum class Code : int {
  kOk = 0,
  kUninitialized = 1,
  kInvalidArgument = 2,
  kNotSupported = 3,
  kNoPermission = 4,
  kAlreadyInitialized = 5,
  kNotFound = 6,
  kInsufficientSize = 7,
  kTimeout = 10,
  kResetRequired = 16,
  kInUse = 19,
  kInsufficientResources = 23,
  kArgumentVersionMismatch = 25,
  kInvalidState = 29,  // NVML_ERROR_INVALID_STATE (cc-facts.md §5.1)
  kUnknown = 999,
  // migkit-only codes (no nvmlReturn_t equivalent; NVML_ERROR_UNKNOWN at the ABI).
  kCorruption = 1001,  // a persisted file exists but cannot be understood
  kIoError = 1002,     // the operating system refused a file operation
  kParseError = 1003,  // user input (a file or a string) is malformed
};

/// The text NVML's nvmlErrorString() returns for `code` ("In use by another client", ...), or a
/// migkit description for migkit-only codes.
std::string_view CodeText(Code code);

class [[nodiscard]] Status {
 public:
  /// An OK status.
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status NotSupported(std::string msg) { return {Code::kNotSupported, std::move(msg)}; }
  static Status NoPermission(std::string msg) { return {Code::kNoPermission, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status InsufficientSize(std::string msg) {
    return {Code::kInsufficientSize, std::move(msg)};
  }
  static Status ResetRequired(std::string msg) { return {Code::kResetRequired, std::move(msg)}; }
  static Status InUse(std::string msg) { return {Code::kInUse, std::move(msg)}; }
  static Status InsufficientResources(std::string msg) {
    return {Code::kInsufficientResources, std::move(msg)};
  }
  static Status Timeout(std::string msg) { return {Code::kTimeout, std::move(msg)}; }
  static Status InvalidState(std::string msg) { return {Code::kInvalidState, std::move(msg)}; }
  static Status Unknown(std::string msg) { return {Code::kUnknown, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status ParseError(std::string msg) { return {Code::kParseError, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  /// "OK", or "<CodeText>: <message>" ("Insufficient Resources: 3g.40gb fits only at 0 or 4, ...").
  /// An empty message gives just the CodeText.
  std::string ToString() const;

  /// Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

/// A value or an error Status. REQUIRES: an error StatusOr is never built from an OK status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : rep_(std::move(value)) {}         // NOLINT: implicit by design
  StatusOr(Status status) : rep_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(rep_); }
  /// OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(rep_); }

  /// REQUIRES: ok().
  const T& value() const& { return std::get<T>(rep_); }
  T& value() & { return std::get<T>(rep_); }
  T&& value() && { return std::get<T>(std::move(rep_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> rep_;
};

}  // namespace migkit

/// Returns from the enclosing function when `expr`, a Status (not a StatusOr), is not OK.
#define MIGKIT_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::migkit::Status migkit_status_ = (expr);        \
    if (!migkit_status_.ok()) return migkit_status_; \
  } while (0)

#endif  // MIGKIT_CORE_STATUS_H_
