/* Phone numbers: normalisation to E.164, with China as the default region. */
#ifndef ATRIUM_CORE_PHONE_H
#define ATRIUM_CORE_PHONE_H

#define PHONE_E164_LEN 17 /* '+', at most 15 digits, NUL */

/*
 * Normalises a mobile number typed by a person: "13800138000", "+86 138 0013 8000",
 * "0086-13800138000" all give "+8613800138000".  Chinese numbers must be mobiles (1[3-9] and
 * nine more digits); other countries need a leading '+' and 8 to 15 digits.  Spaces, dashes,
 * dots and parentheses are ignored.  Returns 0, or -1 when the input is not such a number.
 */
int phone_normalize(const char *in, char out[PHONE_E164_LEN]);
/* Masks all but the first 3 and last 4 digits of the national number: "+86138****8000". */
void phone_mask(const char *e164, char out[PHONE_E164_LEN]);

#endif
