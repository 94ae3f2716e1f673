/*
 * What an uploaded file is, judged by its content alone (magic bytes and structure), never by
 * its name or the Content-Type a client claims: a closed catalogue of document, image, audio and
 * video types people exchange at work.  Anything else — programs (ELF, PE, Mach-O, Java classes,
 * MSI installers), scripts (#!), unknown binaries — is not in it and is refused by whoever asks.
 */
#ifndef ATRIUM_CORE_FILETYPE_H
#define ATRIUM_CORE_FILETYPE_H
#include <stddef.h>
#include <stdint.h>

/* What kind of upload may carry a type (a message's image, voice recording, or any file). */
enum filetype_kinds {
	FILETYPE_IMAGE = 1 << 0,
	FILETYPE_VOICE = 1 << 1,
	FILETYPE_FILE = 1 << 2,
};

struct filetype {
	const char *name; /* stable short name, as the API and settings spell it: "pdf", "docx" */
	const char *mime; /* what it is served as */
	const char *ext;  /* the usual extension, without the dot */
	enum filetype_kinds kinds;
};

/* The catalogue, terminated by a NULL name. */
extern const struct filetype filetype_catalogue[];

/*
 * The type of len bytes at data, or NULL when they are none of the catalogue's.  When why is
 * given and the answer is NULL, it says what the bytes look like ("a program", "a script",
 * "of no known type").
 */
const struct filetype *filetype_sniff(const uint8_t *data, size_t len, const char **why /* OUT */);
/* The catalogue's type named name, or NULL. */
const struct filetype *filetype_find(const char *name);

/* Whether len bytes are valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
int filetype_utf8_valid(const void *data, size_t len);

#endif
