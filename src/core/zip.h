/*
 * A streaming ZIP writer: entries are deflated (zlib) straight into a file descriptor, so an
 * archive far larger than memory can be written in one pass.  Each entry's CRC-32 and sizes go
 * in a data descriptor after its data and in the central directory, which is how a writer that
 * never seeks back does it; every common reader (unzip, Python's zipfile, Windows, macOS) opens
 * such archives.  No ZIP64: an entry or the archive past 4 GiB, or 65,535 entries, is an error.
 */
#ifndef ATRIUM_CORE_ZIP_H
#define ATRIUM_CORE_ZIP_H
#include <stddef.h>
#include <stdint.h>

struct zip;

/* A writer appending to fd (left open: the caller syncs and closes it); level is zlib's 0-9. */
struct zip *zip_new(int fd, int level);
/* Frees the writer (whether or not zip_finish() ran); NULL is fine. */
void zip_free(struct zip *z);

/* Starts an entry named name (UTF-8, relative, '/' separated) dated mtime_ms.  0 or -1. */
int zip_begin(struct zip *z, const char *name, int64_t mtime_ms);
/* Adds len bytes to the open entry.  0 or -1. */
int zip_write(struct zip *z, const void *data, size_t len);
/* Ends the open entry.  0 or -1. */
int zip_end(struct zip *z);
/* Writes the central directory after the last entry; the archive is complete.  0 or -1. */
int zip_finish(struct zip *z);

/* Bytes of the archive so far (all of it after zip_finish()). */
uint64_t zip_size(const struct zip *z);
/*
 * Why the first failing call failed ("" when none): every call after a failure fails too, so a
 * caller may check once at the end.
 */
const char *zip_error(const struct zip *z);

#endif
