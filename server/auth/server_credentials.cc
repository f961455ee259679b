#include "server/auth/server_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::server::auth {
namespace {

absl::StatusOr<std::string> ReadPem(const char* flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(flag, ": cannot read \"", path, "\"; check the path and its permissions"));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, BioDeleter> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Whether the PEM text holds a certificate first; with it, whether `key_pem` is its key.
absl::Status CheckPem(const std::string& cert_pem, const std::string& cert_path,
                      const char* cert_flag, const std::string* key_pem,
                      const std::string& key_path) {
  std::unique_ptr<X509, X509Deleter> cert(
      PEM_read_bio_X509(MemoryBio(cert_pem).get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        cert_flag, ": \"", cert_path, "\" holds no PEM certificate (BEGIN CERTIFICATE)"));
  }
  if (key_pem == nullptr) return absl::OkStatus();
  std::unique_ptr<EVP_PKEY, KeyDeleter> key(
      PEM_read_bio_PrivateKey(MemoryBio(*key_pem).get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-key-file: \"", key_path,
        "\" holds no unencrypted PEM private key (hyperd cannot ask for a passphrase)"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("--tls-key-file: \"", key_path,
                                                   "\" is not the key of the certificate \"",
                                                   cert_path, "\" (--tls-cert-file)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file) {
  if (cert_file.empty() && key_file.empty()) {
    if (!client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls-client-ca-file needs TLS: also give --tls-cert-file and --tls-key-file");
    }
    return grpc::InsecureServerCredentials();
  }
  if (cert_file.empty() || key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert-file and --tls-key-file go together: give both (TLS) or neither");
  }
  ASSIGN_OR_RETURN(std::string cert, ReadPem("--tls-cert-file", cert_file));
  ASSIGN_OR_RETURN(std::string key, ReadPem("--tls-key-file", key_file));
  RETURN_IF_ERROR(CheckPem(cert, cert_file, "--tls-cert-file", &key, key_file));
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({key, cert});
  if (!client_ca_file.empty()) {
    ASSIGN_OR_RETURN(std::string ca, ReadPem("--tls-client-ca-file", client_ca_file));
    RETURN_IF_ERROR(CheckPem(ca, client_ca_file, "--tls-client-ca-file", nullptr, ""));
    options.pem_root_certs = ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace hyperd::server::auth
