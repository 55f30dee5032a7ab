#include "tools/lookout/manifest.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace lookout::cli {
namespace {

using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Pkey read_key(const std::filesystem::path& file, bool is_private) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(file.c_str(), "r"), &std::fclose);
  if (!f) throw std::runtime_error(file.string() + ": cannot read the key");
  EVP_PKEY* k = is_private ? PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr)
                           : PEM_read_PUBKEY(f.get(), nullptr, nullptr, nullptr);
  if (k == nullptr) throw std::runtime_error(file.string() + ": not a PEM " + (is_private ? "private" : "public") + " key");
  if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    throw std::runtime_error(file.string() + ": not an Ed25519 key (openssl genpkey -algorithm ed25519)");
  }
  return Pkey(k, &EVP_PKEY_free);
}

}  // namespace

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string sha256_file(const std::filesystem::path& file) {
  const std::string bytes = read_bytes(file);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error(file.string() + ": SHA-256 failed");
  }
  static constexpr char HEX[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += HEX[digest[i] >> 4];
    out += HEX[digest[i] & 0xF];
  }
  return out;
}

std::string encode(const Manifest& m) {
  nlohmann::json j{{"format", m.format}, {"board", m.board}, {"arch", m.arch}, {"firmware", m.firmware},
                   {"files", m.files}};
  return j.dump(2) + "\n";
}

Manifest decode_manifest(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("manifest: not a JSON object");
  Manifest m;
  const auto str = [&](const char* key) {
    if (!j.contains(key) || !j[key].is_string()) throw std::runtime_error(std::string("manifest: ") + key + " missing");
    return j[key].get<std::string>();
  };
  if (!j.contains("format") || j["format"] != 1) throw std::runtime_error("manifest: format is not 1");
  m.board = str("board");
  m.arch = str("arch");
  m.firmware = str("firmware");
  if (!j.contains("files") || !j["files"].is_object()) throw std::runtime_error("manifest: files missing");
  for (const auto& [path, hash] : j["files"].items()) {
    if (!hash.is_string()) throw std::runtime_error("manifest: files." + path + ": not a hash");
    // Paths stay inside the bundle and the slot.
    if (path.empty() || path.front() == '/' || path.find("..") != std::string::npos) {
      throw std::runtime_error("manifest: files." + path + ": not a path inside the bundle");
    }
    m.files[path] = hash.get<std::string>();
  }
  return m;
}

std::string sign(const std::string& data, const std::filesystem::path& key_file) {
  const auto key = read_key(key_file, true);
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t n = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw std::runtime_error(key_file.string() + ": signing failed");
  }
  std::string sig(n, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw std::runtime_error(key_file.string() + ": signing failed");
  }
  sig.resize(n);
  return sig;
}

bool verify(const std::string& data, const std::string& signature, const std::filesystem::path& public_key_file) {
  const auto key = read_key(public_key_file, false);
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

}  // namespace lookout::cli
