// Bearer tokens: tenant tokens are random, shown once when issued, and stored only as SHA-256
// hashes (OpenSSL), so a copy of the store does not let anyone act as a tenant.
#ifndef MIGKIT_SERVICE_TOKEN_H_
#define MIGKIT_SERVICE_TOKEN_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace migkit {

/// "sha256:" and the hex SHA-256 digest of `token`.
std::string HashToken(std::string_view token);

/// A new token: "mgk_" and 64 hex digits from OpenSSL's CSPRNG. kUnknown if it has no entropy.
StatusOr<std::string> NewToken();

/// Compares two strings in time that depends only on their lengths (for the admin token).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace migkit

#endif  // MIGKIT_SERVICE_TOKEN_H_
