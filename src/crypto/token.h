/* Session tokens and one-time codes: made at random, stored only as hashes. */
#ifndef ATRIUM_CRYPTO_TOKEN_H
#define ATRIUM_CRYPTO_TOKEN_H
#include <stddef.h>
#include <stdint.h>

#define TOKEN_STR_LEN 44 /* 256 bits in unpadded base64url: 43 characters and a NUL */
#define TOKEN_HASH_LEN 32
#define CODE_LEN 6

/* A new 256-bit random token, and its hash (the only form that is stored). */
void token_new(char token[TOKEN_STR_LEN] /* OUT */, uint8_t hash[TOKEN_HASH_LEN] /* OUT */);
/*
 * Hashes a token a client presented; -1 when it is not 43 base64url characters (then it cannot be
 * one of ours and no lookup is needed).
 */
int token_hash(const char *token, size_t len, uint8_t hash[TOKEN_HASH_LEN] /* OUT */);
/* base64url without padding of len bytes into out (4*ceil(len/3)+1 bytes are enough). */
void token_b64(const uint8_t *in, size_t len, char *out /* OUT */);

/* A uniformly random decimal code of CODE_LEN digits. */
void code_new(char code[CODE_LEN + 1] /* OUT */);
/* Compares two equal-length byte strings in constant time; 0 when equal. */
int token_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif
