/* Pinyin search keys of names, from the table scripts/gen-pinyin builds out of Unihan. */
#include <string.h>
#include "core/pinyin.h"
#include "core/banned.h"

/* build/gen/pinyin.c */
extern const char pinyin_syllables[][7];
extern const unsigned pinyin_syllable_count;
extern const uint32_t pinyin_runs[][3]; /* first, last, offset in pinyin_index */
extern const unsigned pinyin_run_count;
extern const uint16_t pinyin_index[];

const char *pinyin_of(uint32_t cp)
{
	unsigned lo = 0, hi = pinyin_run_count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (cp < pinyin_runs[mid][0])
			hi = mid;
		else if (cp > pinyin_runs[mid][1])
			lo = mid + 1;
		else {
			uint16_t i = pinyin_index[pinyin_runs[mid][2] + (cp - pinyin_runs[mid][0])];
			return i && i < pinyin_syllable_count ? pinyin_syllables[i] : NULL;
		}
	}
	return NULL;
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Decodes one code point; returns its length in bytes, or -1 for what RFC 3629 forbids:
 * stray continuation bytes, truncated and overlong sequences, surrogates, beyond U+10FFFF.
 */
static int utf8_decode(const unsigned char *s, uint32_t *cp)
{
	int n;
	uint32_t min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, min = 0x80, *cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, min = 0x800, *cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return -1;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL of a truncated sequence */
			return -1;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return -1;
	return n;
}

/*
 * The next word of a name (see pinyin_keys() in the header), as *word and *len: a syllable of
 * the table, or a run of ASCII letters and digits inside the name, in its own case.  Returns 1,
 * 0 at the end of the name, -1 at invalid UTF-8.
 */
static int next_word(const char **sp, const char **word, size_t *len)
{
	const unsigned char *s = (const unsigned char *)*sp;

	while (*s) {
		uint32_t cp;
		int n;
		const char *syllable;

		if (is_alnum(*s)) {
			const unsigned char *start = s;
			while (is_alnum(*s))
				s++;
			*word = (const char *)start;
			*len = (size_t)(s - start);
			*sp = (const char *)s;
			return 1;
		}
		if ((n = utf8_decode(s, &cp)) < 0)
			return -1;
		s += n;
		if ((syllable = pinyin_of(cp))) {
			*word = syllable;
			*len = strlen(syllable);
			*sp = (const char *)s;
			return 1;
		}
	}
	*sp = (const char *)s;
	return 0;
}

int pinyin_keys(const char *utf8_name, char *full, size_t fullsz, char *initials, size_t initsz)
{
	const char *s = utf8_name, *word;
	size_t len, nfull = 0, ninit = 0;
	int rc = -1, more;

	if (!fullsz || !initsz)
		goto out;
	while ((more = next_word(&s, &word, &len)) > 0) {
		if (len >= fullsz - nfull || ninit + 1 >= initsz)
			goto out;
		for (size_t i = 0; i < len; i++)
			full[nfull++] = lower(word[i]);
		initials[ninit++] = lower(word[0]);
	}
	if (more < 0)
		goto out;
	full[nfull] = '\0';
	initials[ninit] = '\0';
	rc = 0;
out:
	if (rc && fullsz)
		full[0] = '\0';
	if (rc && initsz)
		initials[0] = '\0';
	return rc;
}

int pinyin_query(const char *query, char *out, size_t outsz)
{
	size_t n = 0;

	for (const char *s = query; *s; s++) {
		if (*s == ' ' || *s == '\'')
			continue;
		if (!is_alnum((unsigned char)*s) || (*s >= '0' && *s <= '9') || n + 1 >= outsz)
			goto no;
		out[n++] = lower(*s);
	}
	if (!n)
		goto no;
	out[n] = '\0';
	return 1;
no:
	if (outsz)
		out[0] = '\0';
	return 0;
}

/* Whether the words of the name from s on can give the query (see pinyin_match()). */
static int match_from(const char *s, const char *query, size_t qlen)
{
	const char *word;
	size_t len;
	/* Bit j: the words so far can give exactly the first j letters of the query. */
	uint64_t at = 1;

	while (at && next_word(&s, &word, &len) > 0) {
		uint64_t next = 0;
		for (size_t j = 0; j < qlen; j++) {
			if (!(at >> j & 1))
				continue;
			for (size_t k = 0; k < len && j + k < qlen && lower(word[k]) == query[j + k]; k++)
				next |= (uint64_t)1 << (j + k + 1);
		}
		if (next >> qlen & 1)
			return 1;
		at = next;
	}
	return 0;
}

int pinyin_match(const char *utf8_name, const char *query)
{
	size_t qlen = strlen(query);

	if (!qlen || qlen > 63)
		return 0;
	return match_from(utf8_name, query, qlen);
}

int pinyin_match_word(const char *utf8_name, const char *query)
{
	const char *s = utf8_name, *word;
	size_t len, qlen = strlen(query);

	if (!qlen || qlen > 63)
		return -1;
	for (int i = 0;; i++) {
		if (match_from(s, query, qlen))
			return i;
		/* The next start is the word after this one; the end or invalid UTF-8 ends the search. */
		if (next_word(&s, &word, &len) <= 0)
			return -1;
	}
}
