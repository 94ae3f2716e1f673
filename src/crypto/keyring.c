/* Master key file, envelope keys, sealing and blind indexes, on libsodium. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "core/id.h"
#include "core/mem.h"
#include "crypto/keyring.h"
#include "core/banned.h"

/* Subkey ids for crypto_kdf: each use of the master key gets its own key. */
enum { SUBKEY_WRAP = 1, SUBKEY_INDEX = 2, SUBKEY_MAC = 3, SUBKEY_SIGN = 4 };

struct keyring {
	uint8_t wrap[KEYRING_KEY_LEN], index[KEYRING_KEY_LEN], mac[KEYRING_KEY_LEN];
	uint8_t sign_pk[KEYRING_SIGN_PK_LEN], sign_sk[crypto_sign_SECRETKEYBYTES];
};

struct keyring *keyring_from_bytes(const uint8_t master[KEYRING_KEY_LEN])
{
	if (sodium_init() < 0)
		return NULL;
	struct keyring *kr = sodium_malloc(sizeof(*kr));
	if (!kr)
		abort();
	crypto_kdf_derive_from_key(kr->wrap, sizeof(kr->wrap), SUBKEY_WRAP, "atr-wrap", master);
	crypto_kdf_derive_from_key(kr->index, sizeof(kr->index), SUBKEY_INDEX, "atr-indx", master);
	crypto_kdf_derive_from_key(kr->mac, sizeof(kr->mac), SUBKEY_MAC, "atr-mac_", master);
	/* The signing key follows from the master key, so receipts signed before a restart or on
	 * another node of the cluster verify with the same published key. */
	uint8_t seed[crypto_sign_SEEDBYTES];
	crypto_kdf_derive_from_key(seed, sizeof(seed), SUBKEY_SIGN, "atr-sign", master);
	crypto_sign_seed_keypair(kr->sign_pk, kr->sign_sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return kr;
}

static int read_all(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int create_key_file(const char *path, uint8_t master[KEYRING_KEY_LEN], char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create key file '%s': %s", path, strerror(errno));
		return -1;
	}
	randombytes_buf(master, KEYRING_KEY_LEN);
	int rc = write(fd, master, KEYRING_KEY_LEN) == KEYRING_KEY_LEN && fsync(fd) == 0 ? 0 : -1;
	close(fd);
	if (rc) {
		unlink(path);
		snprintf(err, errlen, "cannot write key file '%s'", path);
	}
	return rc;
}

struct keyring *keyring_load(const char *path, char *err, size_t errlen)
{
	uint8_t master[KEYRING_KEY_LEN];
	struct keyring *kr = NULL;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to start");
		return NULL;
	}
	int fd = open(path, O_RDONLY);
	if (fd < 0 && errno == ENOENT) {
		if (create_key_file(path, master, err, errlen))
			return NULL;
	} else if (fd < 0) {
		snprintf(err, errlen, "cannot open key file '%s': %s", path, strerror(errno));
		return NULL;
	} else {
		struct stat sb;
		if (fstat(fd, &sb) || (sb.st_mode & 077)) {
			snprintf(err, errlen, "key file '%s' may be read by others; chmod 600 it", path);
			goto out;
		}
		if (sb.st_size != KEYRING_KEY_LEN || read_all(fd, master, KEYRING_KEY_LEN)) {
			snprintf(err, errlen, "key file '%s' must hold exactly %d bytes", path, KEYRING_KEY_LEN);
			goto out;
		}
	}
	kr = keyring_from_bytes(master);
out:
	if (fd >= 0)
		close(fd);
	sodium_memzero(master, sizeof(master));
	return kr;
}

void keyring_free(struct keyring *kr)
{
	if (kr)
		sodium_free(kr);
}

static void subject_ad(int64_t subject, char ad[32])
{
	/* "subject:<id>", built without printf: every signed-in read opens a key */
	memcpy(ad, "subject:", 8);
	id_format(subject, ad + 8);
}

void keyring_new_subject_key(const struct keyring *kr, int64_t subject,
			     uint8_t wrapped[KEYRING_WRAPPED_LEN], uint8_t key[KEYRING_KEY_LEN])
{
	char ad[32];
	crypto_aead_xchacha20poly1305_ietf_keygen(key);
	subject_ad(subject, ad);
	keyring_seal(kr->wrap, ad, key, KEYRING_KEY_LEN, wrapped);
}

int keyring_open_subject_key(const struct keyring *kr, int64_t subject,
			     const uint8_t wrapped[KEYRING_WRAPPED_LEN], uint8_t key[KEYRING_KEY_LEN])
{
	char ad[32];
	subject_ad(subject, ad);
	return keyring_open(kr->wrap, ad, wrapped, KEYRING_WRAPPED_LEN, key);
}

void keyring_seal(const uint8_t key[KEYRING_KEY_LEN], const char *ad, const void *in, size_t len,
		  uint8_t *out)
{
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
						   NULL, in, len, (const uint8_t *)ad, strlen(ad), NULL,
						   out, key);
}

int keyring_open(const uint8_t key[KEYRING_KEY_LEN], const char *ad, const uint8_t *in, size_t len,
		 uint8_t *out)
{
	if (len < KEYRING_SEAL_OVERHEAD)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
		out, NULL, NULL, in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const uint8_t *)ad, strlen(ad), in,
		key) ? -1 : 0;
}

static void keyed_hash(const uint8_t key[KEYRING_KEY_LEN], const char *domain, const void *msg,
		       size_t len, uint8_t out[32])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, KEYRING_KEY_LEN, 32);
	crypto_generichash_update(&st, (const uint8_t *)domain, strlen(domain) + 1);
	crypto_generichash_update(&st, msg, len);
	crypto_generichash_final(&st, out, 32);
}

void keyring_index(const struct keyring *kr, const char *domain, const char *value,
		   uint8_t out[KEYRING_INDEX_LEN])
{
	keyed_hash(kr->index, domain, value, strlen(value), out);
}

void keyring_mac(const struct keyring *kr, const char *domain, const void *msg, size_t len,
		 uint8_t out[32])
{
	keyed_hash(kr->mac, domain, msg, len, out);
}

void keyring_sign(const struct keyring *kr, const void *msg, size_t len,
		  uint8_t sig[KEYRING_SIGNATURE_LEN])
{
	crypto_sign_detached(sig, NULL, msg, len, kr->sign_sk);
}

void keyring_sign_public(const struct keyring *kr, uint8_t pk[KEYRING_SIGN_PK_LEN],
			 char key_id[KEYRING_KEY_ID_LEN])
{
	uint8_t h[8];
	memcpy(pk, kr->sign_pk, KEYRING_SIGN_PK_LEN);
	crypto_generichash(h, sizeof(h), kr->sign_pk, KEYRING_SIGN_PK_LEN, NULL, 0);
	sodium_bin2hex(key_id, KEYRING_KEY_ID_LEN, h, sizeof(h));
}
