#include "certs/pki_cli.h"

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certs/ca.h"
#include "certs/cert_info.h"
#include "certs/crl.h"
#include "certs/role_certs.h"
#include "certs/signing_key.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/key_files.h"
#include "common/encoding/base64.h"
#include "common/status_macros.h"
#include "common/util/files.h"
#include "common/util/time_format.h"
#include "nlohmann/json.hpp"

namespace poc::pki {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// The flags every issuing subcommand shares.
struct IssueFlags {
  std::string pki_dir;
  std::string out_dir;
  int days = 825;
  int backdate_days = 0;

  IssueTarget ToTarget() const {
    return IssueTarget{pki_dir, out_dir, Validity{days, backdate_days}};
  }
};

void AddIssueFlags(CLI::App* sub, IssueFlags* flags) {
  sub->add_option("--dir", flags->pki_dir, "PKI folder holding ca.key and ca.crt (see `init`)")
      ->required()
      ->type_name("PKI");
  sub->add_option("--out", flags->out_dir,
                  "folder to write the key and certificates into; created (mode 0700) if missing")
      ->required()
      ->type_name("DIR");
  sub->add_option("--days", flags->days, "how many days the certificate is valid")
      ->capture_default_str();
  sub->add_option("--backdate-days", flags->backdate_days,
                  "start (and end) the validity this many days in the past; for tests that "
                  "need an expired certificate, e.g. --days 1 --backdate-days 10")
      ->capture_default_str();
}

std::string IssuedFooter(const std::string& stem) {
  return absl::StrCat("Writes DIR/", stem, ".key (ECDSA P-256, mode 0600), DIR/", stem,
                      ".crt (signed by PKI/ca.key) and DIR/ca.crt (a copy of the root "
                      "certificate; an identical copy already there is kept). Never overwrites "
                      "a file: if one exists, nothing is written.");
}

nlohmann::json CertificateJson(const CertificateInfo& info) {
  return nlohmann::json{{"type", "certificate"},
                        {"subject", info.subject},
                        {"issuer", info.issuer},
                        {"serial", info.serial_hex},
                        {"subject_alt_names", info.subject_alt_names},
                        {"not_before", FormatUtc(info.not_before)},
                        {"not_after", FormatUtc(info.not_after)},
                        {"sha256_fingerprint", info.sha256_fingerprint_hex},
                        {"is_ca", info.is_ca}};
}

void PrintCertificate(std::ostream& out, const CertificateInfo& info) {
  out << "subject:     " << info.subject << "\n"
      << "issuer:      " << info.issuer << "\n"
      << "serial:      " << info.serial_hex << "\n"
      << "names:       "
      << (info.subject_alt_names.empty() ? "(none)" : absl::StrJoin(info.subject_alt_names, ", "))
      << "\n"
      << "not before:  " << FormatUtc(info.not_before) << "\n"
      << "not after:   " << FormatUtc(info.not_after) << "\n"
      << "sha256:      " << info.sha256_fingerprint_hex << "\n"
      << "ca:          " << (info.is_ca ? "yes" : "no") << "\n";
}

void PrintWritten(std::ostream& out, const WrittenCertificate& written) {
  out << "wrote " << written.key_path << " (private key, mode 0600; keep it on this host)\n"
      << "wrote " << written.cert_path << "\n";
  if (written.ca_copied) {
    out << "wrote " << written.ca_path << " (the root certificate to trust)\n";
  } else {
    out << "kept  " << written.ca_path << " (already the same root certificate)\n";
  }
  PrintCertificate(out, written.certificate);
}

absl::Status RunInit(const CaSpec& spec, std::ostream& out) {
  ASSIGN_OR_RETURN(CertificateAuthority ca, CertificateAuthority::Create(spec));
  ASSIGN_OR_RETURN(CertificateInfo info,
                   DescribeCertificate(ca.certificate_pem(), ca.certificate_path()));
  out << "wrote " << JoinPath(spec.dir, kCaKeyFile)
      << " (root CA private key, mode 0600; keep it offline and backed up)\n"
      << "wrote " << ca.certificate_path() << " (give it to the relay and every node)\n";
  PrintCertificate(out, info);
  return absl::OkStatus();
}

// Prints what the Secretariat needs to register a key, as text or JSON.
void PrintSigningKey(const SigningKeyFiles& files, const std::string& state, bool json,
                     std::ostream& out) {
  if (json) {
    nlohmann::json j{{"key_id", files.key_id},
                     {"public_key", files.public_key_base64},
                     {"private_key_file", files.private_key_path}};
    if (!files.public_key_path.empty()) {
      j["file"] = files.public_key_path;
    }
    if (!state.empty()) {
      j["state"] = state;
      j["proof"] = files.proof_base64;
    }
    out << j.dump() << "\n";
    return;
  }
  out << "key id:      " << files.key_id << "\n"
      << "public key:  " << files.public_key_base64 << "\n";
  if (state.empty()) {
    out << "Send the key id and public key to the Secretariat. For a State's key, run again with "
           "--state to add the proof of possession the directory requires.\n";
    return;
  }
  out << "proof:       " << files.proof_base64 << "\n"
      << "Send these lines to the Secretariat; the directory entry of " << state << " is:\n"
      << "  [[state.key]]\n"
      << "  public_key = \"" << files.public_key_base64 << "\"\n"
      << "  proof = \"" << files.proof_base64 << "\"\n";
}

absl::Status RunSigningKey(const std::string& out_dir, const std::string& name,
                           const std::string& state, bool json, std::ostream& out) {
  ASSIGN_OR_RETURN(SigningKeyFiles files, MakeSigningKey(out_dir, name, state));
  if (!json) {
    out << "wrote " << files.private_key_path
        << " (Ed25519 signing key, mode 0600; it never leaves this node)\n"
        << "wrote " << files.public_key_path << "\n";
  }
  PrintSigningKey(files, state, json, out);
  return absl::OkStatus();
}

absl::Status RunKeyProof(const std::string& key_file, const std::string& state, bool json,
                         std::ostream& out) {
  ASSIGN_OR_RETURN(SigningKeyFiles files, ProveSigningKey(key_file, state));
  PrintSigningKey(files, state, json, out);
  return absl::OkStatus();
}

void PrintCrl(const CrlResult& r, bool json, std::ostream& out) {
  if (json) {
    nlohmann::json j{{"crl", r.path},
                     {"revoked_certificates", r.entries},
                     {"next_update",
                      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", r.next_update, absl::UTCTimeZone())}};
    if (!r.serial.empty()) {
      j["serial"] = r.serial;
    }
    out << j.dump() << "\n";
    return;
  }
  if (!r.serial.empty()) {
    out << "revoked serial " << r.serial << "\n";
  }
  out << "wrote " << r.path << " (" << r.entries << " revoked certificate(s); valid until "
      << absl::FormatTime("%Y-%m-%d %H:%M UTC", r.next_update, absl::UTCTimeZone())
      << ")\nCopy it to the relay (setting tls.crl) and send the relay SIGHUP: it then refuses "
         "the certificate and closes its open sessions.\n";
}

absl::Status RunShow(const std::string& path, bool json, std::ostream& out) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return absl::Status(text.status().code(),
                        absl::StrCat(std::string(text.status().message()), "; check the path"));
  }
  if (text->find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
    ASSIGN_OR_RETURN(CertificateInfo info, DescribeCertificate(*text, path));
    if (json) {
      out << CertificateJson(info).dump() << "\n";
    } else {
      PrintCertificate(out, info);
    }
    return absl::OkStatus();
  }
  if (text->find("-----BEGIN PUBLIC KEY-----") != std::string::npos) {
    absl::StatusOr<Ed25519PublicKey> key = LoadPublicKeyFile(path);
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(key.status().message()),
          "; show reads certificates and the Ed25519 .pub files of `poc-pki signing-key`"));
    }
    const std::string base64 = Base64Encode(key->raw());
    if (json) {
      out << nlohmann::json{{"type", "ed25519_public_key"},
                            {"key_id", key->key_id()},
                            {"public_key", base64}}
                 .dump()
          << "\n";
    } else {
      out << "Ed25519 public key\n"
          << "key id:      " << key->key_id() << "\n"
          << "public key:  " << base64 << "\n";
    }
    return absl::OkStatus();
  }
  if (text->find("PRIVATE KEY-----") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     " holds a private key, which show does not print; pass the matching "
                     ".crt or .pub file"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, " is neither a PEM certificate nor a PEM public key; pass a .crt or .pub file"));
}

}  // namespace

int RunPkiCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "poc-pki makes the PoC Network's keys and certificates: the federation root CA, the "
      "relay's server certificate, client certificates for State nodes, the Secretariat and "
      "observers, and each State's Ed25519 message-signing key. Every file is new: poc-pki "
      "never overwrites one.",
      "poc-pki");
  app.require_subcommand(1);

  CaSpec ca_spec;
  CLI::App* init =
      app.add_subcommand("init",
                         "Make the federation root CA: PKI/ca.key and PKI/ca.crt (run once, by the "
                         "Secretariat)");
  init->add_option("--dir", ca_spec.dir, "PKI folder; created (mode 0700) if missing")
      ->required()
      ->type_name("PKI");
  init->add_option("--name", ca_spec.name, "the CA's common name")->capture_default_str();
  init->add_option("--days", ca_spec.validity.days, "how many days the root is valid")
      ->capture_default_str();
  init->footer(
      "Writes PKI/ca.key (ECDSA P-256 private key, mode 0600) and PKI/ca.crt (self-signed, "
      "CA:TRUE, keyCertSign and cRLSign). Refuses if PKI/ca.key or PKI/ca.crt exists.");

  IssueFlags relay_flags;
  std::vector<std::string> relay_dns;
  std::vector<std::string> relay_ips;
  CLI::App* relay = app.add_subcommand(
      "relay-cert",
      "Make the relay's TLS server certificate: DIR/relay.key, DIR/relay.crt and "
      "DIR/ca.crt");
  AddIssueFlags(relay, &relay_flags);
  relay->add_option("--dns", relay_dns, "DNS name clients use to reach the relay (repeatable)")
      ->type_name("NAME");
  relay->add_option("--ip", relay_ips, "IP address clients use to reach the relay (repeatable)")
      ->type_name("ADDR");
  relay->footer(IssuedFooter("relay") +
                " The certificate has extendedKeyUsage serverAuth and names each --dns and "
                "--ip; with neither, it names localhost and 127.0.0.1.");

  NodeCertRequest node_request;
  IssueFlags node_flags;
  CLI::App* node = app.add_subcommand(
      "node-cert",
      "Make a State node's TLS client certificate: DIR/node.key, DIR/node.crt and "
      "DIR/ca.crt");
  AddIssueFlags(node, &node_flags);
  node->add_option("--state", node_request.state,
                   "the State's ISO 3166-1 alpha-3 code, upper case (e.g. FRA)")
      ->required()
      ->type_name("ISO3");
  node->add_option("--node", node_request.node_name,
                   "which of the State's nodes this is; goes into the CN")
      ->capture_default_str()
      ->type_name("NAME");
  node->footer(IssuedFooter("node") +
               " The certificate's only SAN is URI urn:poc:state:<ISO3>, the identity the relay "
               "accepts for that State; extendedKeyUsage clientAuth; CN \"<ISO3> node <NAME>\".");

  IssueFlags admin_flags;
  CLI::App* admin =
      app.add_subcommand("admin-cert",
                         "Make the Secretariat's TLS client certificate: DIR/admin.key, "
                         "DIR/admin.crt and DIR/ca.crt");
  AddIssueFlags(admin, &admin_flags);
  admin->footer(IssuedFooter("admin") +
                " The certificate's SAN is URI urn:poc:secretariat; extendedKeyUsage "
                "clientAuth.");

  ObserverCertRequest observer_request;
  IssueFlags observer_flags;
  CLI::App* observer =
      app.add_subcommand("observer-cert",
                         "Make an accredited observer's read-only TLS client certificate: "
                         "DIR/observer.key, DIR/observer.crt and DIR/ca.crt");
  AddIssueFlags(observer, &observer_flags);
  observer
      ->add_option("--slug", observer_request.slug,
                   "the observer's name: 1-64 lowercase letters, digits and '-'")
      ->required()
      ->type_name("SLUG");
  observer->footer(IssuedFooter("observer") +
                   " The certificate's SAN is URI urn:poc:observer:<SLUG>; extendedKeyUsage "
                   "clientAuth.");

  std::string signing_out;
  std::string signing_name = kDefaultSigningKeyName;
  std::string signing_state;
  bool signing_json = false;
  CLI::App* signing =
      app.add_subcommand("signing-key",
                         "Make an Ed25519 message-signing key on this node: DIR/<name>.key and "
                         "DIR/<name>.pub");
  signing
      ->add_option("--out", signing_out, "folder for the key files; created (mode 0700) if missing")
      ->required()
      ->type_name("DIR");
  signing->add_option("--name", signing_name, "file name stem of the key files")
      ->capture_default_str();
  signing
      ->add_option("--state", signing_state,
                   "the State the key signs for; adds the proof of possession the directory needs")
      ->type_name("ISO3");
  signing->add_flag("--json", signing_json,
                    "print {\"key_id\",\"public_key\",\"proof\",\"file\",...} as JSON");
  signing->footer(
      "Run it on the State's own node (or the relay, for the relay's key): the private key "
      "(PEM PKCS#8, mode 0600) never leaves it. Prints the key id, the base64 raw public "
      "key and, with --state, the proof of possession: the lines the Secretariat registers in "
      "the directory. Refuses if either file exists.\n"
      "Example: poc-pki signing-key --out /etc/pocd --state KEN");

  std::string proof_key;
  std::string proof_state;
  bool proof_json = false;
  CLI::App* proof = app.add_subcommand(
      "key-proof", "Print the directory lines (key id, public key, proof) for an existing key");
  proof->add_option("--key", proof_key, "the private key file, e.g. DIR/signing.key")
      ->required()
      ->check(CLI::ExistingFile)
      ->type_name("FILE");
  proof->add_option("--state", proof_state, "the State the key signs for")
      ->required()
      ->type_name("ISO3");
  proof->add_flag("--json", proof_json, "print {\"key_id\",\"public_key\",\"proof\",...} as JSON");
  proof->footer(
      "Run it on the State's node, for a key made earlier or for the next key of a rotation: "
      "it reads the private key and writes nothing. The Secretariat pastes the lines into the "
      "State's [[state.key]] entry; the relay refuses a key without a valid proof.");

  RevokeRequest revoke_request;
  std::string revoke_reason = "unspecified";
  bool revoke_json = false;
  CLI::App* revoke = app.add_subcommand(
      "revoke", "Revoke a certificate: add it to the federation's CRL, PKI/crl.pem");
  revoke->add_option("--dir", revoke_request.dir, "the PKI folder (ca.key, ca.crt)")
      ->required()
      ->type_name("PKI");
  revoke->add_option("--cert", revoke_request.cert_path, "the certificate to revoke (.crt)")
      ->required()
      ->check(CLI::ExistingFile)
      ->type_name("FILE");
  revoke
      ->add_option("--reason", revoke_reason,
                   "key-compromise, superseded, cessation or unspecified")
      ->capture_default_str();
  revoke->add_flag("--json", revoke_json, "print {\"serial\",\"crl\",...} as JSON");
  revoke->footer(
      "The CRL keeps every earlier entry and is signed again by the CA (valid 90 days; renew "
      "with `poc-pki crl`). Give it to the relay as tls.crl and send it SIGHUP.\n"
      "Example: poc-pki revoke --dir pki --cert kenya/node.crt --reason key-compromise");

  std::string crl_dir;
  bool crl_json = false;
  CLI::App* crl = app.add_subcommand(
      "crl", "Sign the CRL (PKI/crl.pem) again with the same entries, or make an empty one");
  crl->add_option("--dir", crl_dir, "the PKI folder (ca.key, ca.crt)")
      ->required()
      ->type_name("PKI");
  crl->add_flag("--json", crl_json, "print JSON");
  crl->footer("Run it before the CRL's next update date passes (every 90 days at the latest).");

  std::string show_file;
  bool show_json = false;
  CLI::App* show = app.add_subcommand(
      "show", "Describe a certificate or an Ed25519 public key file (writes nothing)");
  show->add_option("FILE", show_file, "a .crt or .pub file")->required();
  show->add_flag("--json", show_json, "print JSON");
  show->footer(
      "For a certificate: subject, issuer, serial, subject alternative names, validity and "
      "SHA-256 fingerprint. For an Ed25519 public key: its key id and base64 raw key.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? 0 : kExitUsage;
  }

  absl::Status status;
  if (init->parsed()) {
    status = RunInit(ca_spec, out);
  } else if (signing->parsed()) {
    status = RunSigningKey(signing_out, signing_name, signing_state, signing_json, out);
  } else if (revoke->parsed()) {
    absl::StatusOr<int> reason = ParseRevocationReason(revoke_reason);
    status = reason.status();
    if (reason.ok()) {
      revoke_request.reason = *reason;
      absl::StatusOr<CrlResult> r = RevokeCertificate(revoke_request, absl::Now());
      if (r.ok()) {
        PrintCrl(*r, revoke_json, out);
      }
      status = r.status();
    }
  } else if (crl->parsed()) {
    absl::StatusOr<CrlResult> r = ReissueCrl(crl_dir, absl::Now());
    if (r.ok()) {
      PrintCrl(*r, crl_json, out);
    }
    status = r.status();
  } else if (proof->parsed()) {
    status = RunKeyProof(proof_key, proof_state, proof_json, out);
  } else if (show->parsed()) {
    status = RunShow(show_file, show_json, out);
  } else {
    absl::StatusOr<WrittenCertificate> written;
    if (relay->parsed()) {
      written =
          IssueRelayCertificate(RelayCertRequest{relay_flags.ToTarget(), relay_dns, relay_ips});
    } else if (node->parsed()) {
      node_request.target = node_flags.ToTarget();
      written = IssueNodeCertificate(node_request);
    } else if (admin->parsed()) {
      written = IssueAdminCertificate(admin_flags.ToTarget());
    } else {
      observer_request.target = observer_flags.ToTarget();
      written = IssueObserverCertificate(observer_request);
    }
    if (written.ok()) {
      PrintWritten(out, *written);
    }
    status = written.status();
  }
  if (!status.ok()) {
    err << "poc-pki: " << std::string(status.message()) << "\n";
    return kExitFailure;
  }
  return 0;
}

}  // namespace poc::pki
