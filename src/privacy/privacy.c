/* Subject keys, consent records and the policy text. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <jansson.h>
#include "core/clock.h"
#include "core/embedded.h"
#include "core/id.h"
#include "core/mem.h"
#include "privacy/privacy.h"
#include "core/banned.h"

int subject_key_create(struct store *st, const struct keyring *kr, int64_t subject)
{
	uint8_t wrapped[KEYRING_WRAPPED_LEN], key[KEYRING_KEY_LEN];
	keyring_new_subject_key(kr, subject, wrapped, key);
	sodium_memzero(key, sizeof(key));
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO subject_keys (subject_id, wrapped, created_at) VALUES (?, ?, ?)");
	store_bind_int(s, 1, subject);
	store_bind_blob(s, 2, wrapped, sizeof(wrapped));
	store_bind_int(s, 3, clock_now_ms());
	return store_run(s) == STORE_DONE ? 0 : -1;
}

int subject_key_destroy(struct store *st, int64_t subject)
{
	struct store_stmt *s = store_prepare(st, "DELETE FROM subject_keys WHERE subject_id = ?");
	store_bind_int(s, 1, subject);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

int subject_key_open(struct store *st, const struct keyring *kr, int64_t subject, uint8_t key[KEYRING_KEY_LEN])
{
	struct store_stmt *s = store_prepare(st, "SELECT wrapped FROM subject_keys WHERE subject_id = ?");
	store_bind_int(s, 1, subject);
	int rc = -1;
	if (store_step(s) == STORE_ROW) {
		size_t len;
		const uint8_t *w = store_col_blob(s, 0, &len);
		if (len == KEYRING_WRAPPED_LEN)
			rc = keyring_open_subject_key(kr, subject, w, key);
	}
	store_reset(s);
	return rc;
}

/* "<field>:<subject>", built without printf: every signed-in read opens a field. */
static void field_ad(const char *field, int64_t subject, char *ad, size_t len)
{
	size_t n = strnlen(field, len - ID_STR_LEN - 2);
	memcpy(ad, field, n);
	ad[n] = ':';
	id_format(subject, ad + n + 1);
}

uint8_t *subject_seal(struct store *st, const struct keyring *kr, int64_t subject,
		      const char *field, const char *value, size_t *outlen)
{
	uint8_t key[KEYRING_KEY_LEN];
	char ad[128];
	if (subject_key_open(st, kr, subject, key))
		return NULL;
	size_t n = strlen(value);
	uint8_t *out = xmalloc(n + KEYRING_SEAL_OVERHEAD);
	field_ad(field, subject, ad, sizeof(ad));
	keyring_seal(key, ad, value, n, out);
	sodium_memzero(key, sizeof(key));
	*outlen = n + KEYRING_SEAL_OVERHEAD;
	return out;
}

char *subject_open_with(const struct keyring *kr, int64_t subject, const uint8_t *wrapped,
			size_t wlen, const char *field, const uint8_t *sealed, size_t len)
{
	uint8_t key[KEYRING_KEY_LEN];
	char ad[128];
	if (!wrapped || wlen != KEYRING_WRAPPED_LEN || len < KEYRING_SEAL_OVERHEAD ||
	    keyring_open_subject_key(kr, subject, wrapped, key))
		return NULL;
	char *out = xmalloc(len - KEYRING_SEAL_OVERHEAD + 1);
	field_ad(field, subject, ad, sizeof(ad));
	int rc = keyring_open(key, ad, sealed, len, (uint8_t *)out);
	sodium_memzero(key, sizeof(key));
	if (rc) {
		free(out);
		return NULL;
	}
	out[len - KEYRING_SEAL_OVERHEAD] = '\0';
	return out;
}

char *subject_open(struct store *st, const struct keyring *kr, int64_t subject, const char *field,
		   const uint8_t *sealed, size_t len)
{
	struct store_stmt *s = store_prepare(st, "SELECT wrapped FROM subject_keys WHERE subject_id = ?");
	store_bind_int(s, 1, subject);
	char *out = NULL;
	if (store_step(s) == STORE_ROW) {
		size_t wlen;
		const uint8_t *w = store_col_blob(s, 0, &wlen);
		out = subject_open_with(kr, subject, w, wlen, field, sealed, len);
	}
	store_reset(s);
	return out;
}

int consent_record(struct store *st, int64_t user, const char *purpose, int granted,
		   const char *policy_version, const char *device_id, int64_t at)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO consents (id, user_id, purpose, granted, policy_version, device_id, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, id_next());
	store_bind_int(s, 2, user);
	store_bind_text(s, 3, purpose, -1);
	store_bind_int(s, 4, granted ? 1 : 0);
	store_bind_text(s, 5, policy_version, -1);
	store_bind_text(s, 6, device_id, -1);
	store_bind_int(s, 7, at);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

const char *policy_text(size_t *len)
{
	*len = embedded_policy[0].len;
	return embedded_policy[0].data;
}

static char version[17];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

static void make_version(void)
{
	uint8_t h[8];
	crypto_generichash(h, sizeof(h), (const uint8_t *)embedded_policy[0].data,
			   embedded_policy[0].len, NULL, 0);
	sodium_bin2hex(version, sizeof(version), h, sizeof(h));
}

const char *policy_version(void)
{
	pthread_once(&version_once, make_version);
	return version;
}

static char *third_parties = NULL;
static size_t third_parties_len;

int third_parties_load(const char *path, char *err, size_t errlen)
{
	static const char *const fields[] = { "name", "company", "purpose", "scenario",
					      "collection_method", "policy_url", "platform" };
	json_error_t jerr;
	json_t *list = NULL;
	free(third_parties);
	third_parties = NULL;
	if (!path || !*path) {
		list = json_array();
	} else if (!(list = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr))) {
		snprintf(err, errlen, "third-parties file '%s': %s (line %d)", path, jerr.text, jerr.line);
		return -1;
	}
	if (!json_is_array(list)) {
		snprintf(err, errlen, "third-parties file '%s' must hold a JSON array", path);
		goto fail;
	}
	size_t i;
	json_t *entry;
	json_array_foreach(list, i, entry) {
		if (!json_is_object(entry) || json_object_size(entry) != 8) {
			snprintf(err, errlen, "third-parties entry %zu must be an object of exactly name, company, "
				 "data_types, purpose, scenario, collection_method, policy_url, platform", i + 1);
			goto fail;
		}
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
			json_t *v = json_object_get(entry, fields[f]);
			if (!json_is_string(v) || !json_string_length(v)) {
				snprintf(err, errlen, "third-parties entry %zu: '%s' must be a non-empty string", i + 1, fields[f]);
				goto fail;
			}
		}
		json_t *types = json_object_get(entry, "data_types"), *t;
		size_t j;
		if (!json_is_array(types) || !json_array_size(types)) {
			snprintf(err, errlen, "third-parties entry %zu: 'data_types' must be a non-empty array", i + 1);
			goto fail;
		}
		json_array_foreach(types, j, t) {
			if (!json_is_string(t)) {
				snprintf(err, errlen, "third-parties entry %zu: 'data_types' holds strings only", i + 1);
				goto fail;
			}
		}
	}
	third_parties = json_dumps(list, JSON_COMPACT);
	third_parties_len = strlen(third_parties);
	json_decref(list);
	return 0;
fail:
	json_decref(list);
	return -1;
}

const char *third_parties_json(size_t *len)
{
	if (!third_parties) {
		*len = 2;
		return "[]";
	}
	*len = third_parties_len;
	return third_parties;
}
