/* Random tokens and codes. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "crypto/token.h"
#include "core/banned.h"

void token_b64(const uint8_t *in, size_t len, char *out)
{
	sodium_bin2base64(out, sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			  in, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_new(char token[TOKEN_STR_LEN], uint8_t hash[TOKEN_HASH_LEN])
{
	uint8_t raw[32];
	randombytes_buf(raw, sizeof(raw));
	token_b64(raw, sizeof(raw), token);
	sodium_memzero(raw, sizeof(raw));
	token_hash(token, TOKEN_STR_LEN - 1, hash);
}

int token_hash(const char *token, size_t len, uint8_t hash[TOKEN_HASH_LEN])
{
	if (len != TOKEN_STR_LEN - 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return -1;
	}
	/* The token has 256 bits of entropy, so an unkeyed hash cannot be reversed by guessing. */
	crypto_generichash(hash, TOKEN_HASH_LEN, (const uint8_t *)token, len, NULL, 0);
	return 0;
}

void code_new(char code[CODE_LEN + 1])
{
	snprintf(code, CODE_LEN + 1, "%06u", (unsigned)randombytes_uniform(1000000));
}

int token_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	return sodium_memcmp(a, b, len);
}
