#include "tests/support/certificates.hpp"

#include <stdexcept>

#include "tests/support/command.hpp"

namespace lookout::test {
namespace {

void openssl(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");
  for (auto& a : args) {
    if (a.rfind("@", 0) == 0) a = (dir / a.substr(1)).string();  // a file in dir
  }
  const auto r = run_command(args);
  if (r.status != 0) throw std::runtime_error("openssl " + args[1] + " failed: " + r.err);
}

}  // namespace

Certificates make_certificates(const TempDir& dir, const std::string& prefix, const std::string& alt_name) {
  const std::string p = "@" + prefix;
  openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p + "ca.key", "-out", p + "ca.crt",
                "-days", "2", "-subj", "/CN=" + prefix + "lookout-test-ca"});
  openssl(dir, {"req", "-newkey", "rsa:2048", "-nodes", "-keyout", p + "server.key", "-out", p + "server.csr",
                "-subj", "/CN=lookout-test-server"});
  write_file(dir / (prefix + "san.cnf"), "subjectAltName=" + alt_name + "\n");
  openssl(dir, {"x509", "-req", "-in", p + "server.csr", "-CA", p + "ca.crt", "-CAkey", p + "ca.key",
                "-CAcreateserial", "-out", p + "server.crt", "-days", "2", "-extfile", p + "san.cnf"});
  return {dir / (prefix + "ca.crt"), dir / (prefix + "server.crt"), dir / (prefix + "server.key")};
}

}  // namespace lookout::test
