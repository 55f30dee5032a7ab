#pragma once
// A firmware bundle's manifest (docs/cli.md "lookout bundle"): every file with its SHA-256,
// signed with Ed25519 when a key is given. OpenSSL's libcrypto does the hashing and signing.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace lookout::cli {

struct Manifest {
  int format = 1;
  std::string board;     ///< the board's name
  std::string arch;      ///< what the gateway binary was built for
  std::string firmware;  ///< its version
  std::map<std::string, std::string> files;  ///< relative path -> hex SHA-256
};

/// Hex SHA-256 of a file's bytes; throws std::runtime_error when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

std::string encode(const Manifest& m);
/// Throws std::runtime_error naming what is wrong.
Manifest decode_manifest(const std::string& text);

/// Ed25519 signature of `data` with the PEM private key in `key_file`; throws on failure.
std::string sign(const std::string& data, const std::filesystem::path& key_file);
/// True when `signature` is the Ed25519 signature of `data` under the PEM public key.
bool verify(const std::string& data, const std::string& signature, const std::filesystem::path& public_key_file);

/// A file's bytes; throws std::runtime_error when it cannot be read.
std::string read_bytes(const std::filesystem::path& file);

}  // namespace lookout::cli
