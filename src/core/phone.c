/* E.164 normalisation of mobile numbers. */
#include <string.h>
#include "core/phone.h"

static int is_cn_mobile(const char *d, size_t n)
{
	if (n != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9')
		return 0;
	return 1;
}

int phone_normalize(const char *in, char out[PHONE_E164_LEN])
{
	char d[40];
	size_t n = 0;
	int plus = 0;
	const char *s = in;

	while (*s == ' ')
		s++;
	if (*s == '+') {
		plus = 1;
		s++;
	}
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n >= sizeof(d) - 1)
				return -1;
			d[n++] = *s;
		} else if (!strchr(" -.()", *s)) {
			return -1;
		}
	}
	d[n] = '\0';
	const char *nat = d;
	size_t natlen = n;

	if (!plus && n > 4 && !memcmp(d, "00", 2)) { /* international prefix typed instead of '+' */
		plus = 1;
		nat += 2;
		natlen -= 2;
	}
	if (plus || (natlen == 13 && !memcmp(nat, "86", 2))) {
		if (natlen >= 2 && !memcmp(nat, "86", 2)) {
			if (!is_cn_mobile(nat + 2, natlen - 2))
				return -1;
		} else if (!plus || natlen < 8 || natlen > 15 || nat[0] == '0') {
			return -1;
		}
		out[0] = '+';
		memcpy(out + 1, nat, natlen + 1);
		return 0;
	}
	if (!is_cn_mobile(nat, natlen))
		return -1;
	memcpy(out, "+86", 3);
	memcpy(out + 3, nat, natlen + 1);
	return 0;
}

void phone_mask(const char *e164, char out[PHONE_E164_LEN])
{
	size_t n = strlen(e164);
	size_t cc = strncmp(e164, "+86", 3) ? 1 : 3; /* keep '+86', or just '+' elsewhere */
	memcpy(out, e164, n + 1);
	if (n < cc + 7)
		return;
	for (size_t i = cc + 3; i < n - 4; i++)
		out[i] = '*';
}
