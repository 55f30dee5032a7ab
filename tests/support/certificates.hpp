#pragma once
// Certificates made at test time by the openssl command: a CA, and a server certificate
// signed by it for a given subjectAltName (e.g. "IP:127.0.0.1" or "DNS:example.org").

#include <filesystem>
#include <string>

#include "tests/support/process.hpp"

namespace lookout::test {

struct Certificates {
  std::filesystem::path ca;           ///< the CA's certificate (PEM)
  std::filesystem::path server_cert;  ///< the server's, signed by the CA
  std::filesystem::path server_key;
};

/// Writes `prefix`ca.crt, `prefix`server.crt and `prefix`server.key into `dir`; throws
/// (with openssl's output) when openssl fails.
Certificates make_certificates(const TempDir& dir, const std::string& prefix, const std::string& alt_name = "IP:127.0.0.1");

}  // namespace lookout::test
