/*
 * The blob store: the bytes of files people upload, one file each under
 * <root>/<enterprise id>/<blob id> (root is <data>/blobs), encrypted at rest.
 *
 * A blob is sealed with libsodium's crypto_secretstream_xchacha20poly1305 in chunks of
 * BLOB_CHUNK bytes, under a key derived for that blob alone from its enterprise's key, and every
 * chunk is bound to "<enterprise id>:<blob id>" as additional data: a blob copied over another,
 * moved to another enterprise, cut short, reordered or altered fails to open instead of giving
 * wrong bytes.  Destroying the enterprise's key makes all its blobs unreadable for good, copies
 * and backups included.  The layout on disk: 8 bytes "ATRBLOB" and a version byte, the
 * secretstream header, then the chunks, the last one tagged final.
 *
 * Writing is durable before it returns: a temporary file, fsync'ed, renamed into place, and the
 * folder fsync'ed, so a caller that records the blob afterwards (in a transaction that commits
 * after blob_write) never records one a crash can lose.
 */
#ifndef ATRIUM_BLOB_BLOB_H
#define ATRIUM_BLOB_BLOB_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BLOB_KEY_LEN 32        /* the enterprise's key, as privacy/privacy.h hands it out */
#define BLOB_CHUNK (64 * 1024) /* plaintext bytes per sealed chunk */

/*
 * Seals len bytes as blob bid of enterprise eid with the enterprise's key, durably (above).
 * Creates the enterprise's folder when needed.  0, or -1 with the reason in err; then nothing is
 * left behind.
 */
int blob_write(const char *root, int64_t eid, int64_t bid, const uint8_t key[BLOB_KEY_LEN],
	       const void *data, size_t len, char *err, size_t errlen);

/* A blob opened for reading, chunk by chunk: memory stays at one chunk however large it is. */
struct blob_reader;

/*
 * Opens blob bid of eid and opens its first chunk.  NULL when it does not exist or is not a blob
 * sealed for (eid, bid) with this key (swapped, forged, another enterprise's).  The size of its
 * content goes to *size (from the file's length; the reads prove it).
 */
struct blob_reader *blob_open(const char *root, int64_t eid, int64_t bid, const uint8_t key[BLOB_KEY_LEN],
			      size_t *size /* OUT */);
/*
 * Reads the next bytes of content, at most cap.  Returns the count, 0 at the end (only once the
 * final chunk has been read and verified), or -1 when the blob was altered, swapped or cut short
 * or cannot be read: what was returned before must then be thrown away.
 */
ssize_t blob_read(struct blob_reader *b, void *buf, size_t cap);
/* Closes and wipes; NULL is fine. */
void blob_close(struct blob_reader *b);

/*
 * The whole content of a blob in memory (malloc'ed; the caller frees it), its size in *len; NULL
 * when it is missing, altered, or larger than max bytes.
 */
uint8_t *blob_load(const char *root, int64_t eid, int64_t bid, const uint8_t key[BLOB_KEY_LEN], size_t max,
		   size_t *len /* OUT */);

/* Removes blob bid of eid, and a temporary file of it if one is left.  0, also when there was
 * none; -1 when it could not be removed. */
int blob_delete(const char *root, int64_t eid, int64_t bid);
/* Removes eid's folder with every blob in it.  0, also when there was none, or -1. */
int blob_delete_enterprise(const char *root, int64_t eid);

/* Calls fn for each enterprise that has a folder.  0, or -1 when root cannot be read. */
int blob_each_enterprise(const char *root, void (*fn)(int64_t eid, void *arg), void *arg);
/*
 * Calls fn for each blob of eid, and for each temporary file a crash left (temp 1).  fn may
 * delete what it is given.  0, or -1 when the folder cannot be read (none is no error).
 */
int blob_each(const char *root, int64_t eid, void (*fn)(int64_t bid, int temp, void *arg), void *arg);

#endif
