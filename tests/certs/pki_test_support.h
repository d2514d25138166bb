// Helpers shared by the poc-pki tests: temp folders, reading back certificates, checking
// chains, and running the real poc-pki binary.
#ifndef POC_TESTS_CERTS_PKI_TEST_SUPPORT_H_
#define POC_TESTS_CERTS_PKI_TEST_SUPPORT_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/tls/openssl_ptr.h"

namespace poc::pki::pkitest {

// A fresh folder under $TMPDIR (mkdtemp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Contents of a file; "" when it cannot be read (tests compare against expected content).
std::string Slurp(const std::string& path);
bool Exists(const std::string& path);
// Permission bits of `path`, or -1 when it does not exist.
int ModeOf(const std::string& path);
// Names of the entries in a folder, sorted; empty when it does not exist.
std::vector<std::string> ListDir(const std::string& path);

// Parses a PEM certificate file; nullptr when it does not parse.
X509Ptr LoadCertificate(const std::string& path);

// Verifies `cert_path` against a store holding only `ca_path` at the current time and returns
// the X509_V_* result (X509_V_OK when the chain verifies). `purpose` is an X509_PURPOSE_* id
// or 0 for none.
int VerifyChain(const std::string& ca_path, const std::string& cert_path, int purpose = 0);

// True when `cert` has the extension `nid` and marks it critical.
bool HasCriticalExtension(X509* cert, int nid);

// The URIs, DNS names and IP addresses (as text) in a certificate's SAN.
std::vector<std::string> SanEntries(X509* cert, int type);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The binary under test: $POC_BUILD_DIR/certs/poc-pki.
std::string PkiBinaryPath();

// Runs poc-pki with `args` (not including argv[0]) and waits for it.
RunResult RunPki(const std::vector<std::string>& args);

}  // namespace poc::pki::pkitest

#endif  // POC_TESTS_CERTS_PKI_TEST_SUPPORT_H_
