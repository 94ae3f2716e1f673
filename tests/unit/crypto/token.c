/* Unit tests of crypto/token.c: session tokens and one-time codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sodium.h>
#include <cmocka.h>
#include "crypto/token.h"

static int start_sodium(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

static int is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void test_token__new_is_43_base64url_chars_of_256_bits(void **state)
{
	char token[TOKEN_STR_LEN];
	uint8_t hash[TOKEN_HASH_LEN], again[TOKEN_HASH_LEN], raw[64];
	size_t rawlen = 0;
	memset(token, 'x', sizeof(token));
	token_new(token, hash);
	assert_int_equal(strlen(token), 43);
	for (int i = 0; i < 43; i++)
		if (!is_b64url(token[i]))
			fail_msg("character %d of '%s' is not base64url", i, token);
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), token, 43, NULL, &rawlen, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(rawlen, 32);
	/* The stored hash is what the server computes from the token a client presents. */
	assert_int_equal(token_hash(token, strlen(token), again), 0);
	assert_memory_equal(hash, again, TOKEN_HASH_LEN);
}

static void test_token__two_tokens_differ(void **state)
{
	char a[TOKEN_STR_LEN], b[TOKEN_STR_LEN];
	uint8_t ha[TOKEN_HASH_LEN], hb[TOKEN_HASH_LEN];
	token_new(a, ha);
	token_new(b, hb);
	assert_string_not_equal(a, b);
	assert_memory_not_equal(ha, hb, TOKEN_HASH_LEN);
}

static void test_token__hash_rejects_what_cannot_be_ours(void **state)
{
	char token[TOKEN_STR_LEN], bad[TOKEN_STR_LEN + 2];
	uint8_t hash[TOKEN_HASH_LEN], h2[TOKEN_HASH_LEN];
	token_new(token, hash);
	assert_int_equal(token_hash(token, 42, h2), -1);
	assert_int_equal(token_hash(token, 0, h2), -1);
	memcpy(bad, token, 43);
	bad[43] = 'A';
	bad[44] = '\0';
	assert_int_equal(token_hash(bad, 44, h2), -1);
	static const char not_b64url[] = { '+', '/', '=', ' ', '.', '\0', '\n', (char)0xc3 };
	for (size_t i = 0; i < sizeof(not_b64url); i++) {
		memcpy(bad, token, TOKEN_STR_LEN);
		bad[17] = not_b64url[i];
		if (token_hash(bad, 43, h2) != -1)
			fail_msg("a token with byte 0x%02x was hashed", (unsigned char)not_b64url[i]);
	}
	/* One character changed is another hash. */
	memcpy(bad, token, TOKEN_STR_LEN);
	bad[0] = bad[0] == 'A' ? 'B' : 'A';
	assert_int_equal(token_hash(bad, 43, h2), 0);
	assert_memory_not_equal(hash, h2, TOKEN_HASH_LEN);
}

static void test_token__b64_is_unpadded_url_alphabet(void **state)
{
	char out[16];
	static const uint8_t in[] = { 0xfb, 0xff, 0xfe };
	token_b64(in, 3, out);
	assert_string_equal(out, "-__-");
	token_b64((const uint8_t *)"a", 1, out);
	assert_string_equal(out, "YQ");
	token_b64((const uint8_t *)"ab", 2, out);
	assert_string_equal(out, "YWI");
	token_b64((const uint8_t *)"", 0, out);
	assert_string_equal(out, "");
}

static void test_token__code_is_six_digits(void **state)
{
	int seen[10] = { 0 }, distinct = 0;
	char first[CODE_LEN + 1] = "";
	for (int i = 0; i < 2000; i++) {
		char code[CODE_LEN + 1];
		memset(code, 'x', sizeof(code));
		code_new(code);
		assert_int_equal(strlen(code), CODE_LEN);
		for (int j = 0; j < CODE_LEN; j++) {
			if (code[j] < '0' || code[j] > '9')
				fail_msg("code '%s' has a non-digit", code);
			seen[code[j] - '0']++;
		}
		if (i == 0)
			memcpy(first, code, sizeof(first));
		else if (strcmp(first, code))
			distinct++;
	}
	for (int d = 0; d < 10; d++) /* every digit turns up, leading zeros included */
		assert_true(seen[d] > 0);
	assert_true(distinct > 1900);
}

static void test_token__equal_compares_bytes(void **state)
{
	uint8_t a[TOKEN_HASH_LEN], b[TOKEN_HASH_LEN];
	memset(a, 0x11, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_int_equal(token_equal(a, b, sizeof(a)), 0);
	b[TOKEN_HASH_LEN - 1] ^= 1;
	assert_int_not_equal(token_equal(a, b, sizeof(a)), 0);
	b[TOKEN_HASH_LEN - 1] ^= 1;
	b[0] ^= 0x80;
	assert_int_not_equal(token_equal(a, b, sizeof(a)), 0);
	assert_int_equal(token_equal(a, b, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token__new_is_43_base64url_chars_of_256_bits),
		cmocka_unit_test(test_token__two_tokens_differ),
		cmocka_unit_test(test_token__hash_rejects_what_cannot_be_ours),
		cmocka_unit_test(test_token__b64_is_unpadded_url_alphabet),
		cmocka_unit_test(test_token__code_is_six_digits),
		cmocka_unit_test(test_token__equal_compares_bytes),
	};
	return cmocka_run_group_tests(tests, start_sodium, NULL);
}
