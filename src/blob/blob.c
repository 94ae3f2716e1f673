/* The encrypted blob store (blob.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "blob/blob.h"
#include "core/id.h"
#include "core/mem.h"
#include "core/banned.h"

#define MAGIC "ATRBLOB\x01"
#define MAGIC_LEN 8
#define HEADER_LEN crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SEALED_CHUNK (BLOB_CHUNK + ABYTES)
#define KDF_CONTEXT "atrblob1" /* 8 bytes: keys derived here serve blobs and nothing else */
#define AD_LEN (2 * ID_STR_LEN + 1)

/* "<root>/<eid>" or "<root>/<eid>/<bid><suffix>"; -1 when it does not fit. */
static int path_of(char *out, size_t len, const char *root, int64_t eid, int64_t bid, const char *suffix)
{
	int n = bid ? snprintf(out, len, "%s/%lld/%lld%s", root, (long long)eid, (long long)bid, suffix)
		    : snprintf(out, len, "%s/%lld", root, (long long)eid);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The blob's own key, derived from its enterprise's (the blob id as subkey id), and its AD. */
static void blob_key(const uint8_t ekey[BLOB_KEY_LEN], int64_t eid, int64_t bid,
		     uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES], char ad[AD_LEN])
{
	crypto_kdf_derive_from_key(key, crypto_secretstream_xchacha20poly1305_KEYBYTES, (uint64_t)bid, KDF_CONTEXT, ekey);
	snprintf(ad, AD_LEN, "%lld:%lld", (long long)eid, (long long)bid);
}

/* Writes or reads all of len bytes, through interruptions and short counts; 0, or -1 (a read
 * that meets the end of the file first fails too). */
static int transfer(int fd, void *buf, size_t len, int writing)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	return transfer(fd, (void *)buf, len, 1);
}

static int read_full(int fd, void *buf, size_t len)
{
	return transfer(fd, buf, len, 0);
}

/* Makes a directory entry durable: what was created or renamed in it survives a crash. */
static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* The enterprise's folder, created (and made durable in root) when it is not there yet. */
static int make_folder(const char *root, const char *dir)
{
	if (!mkdir(dir, 0700))
		return sync_dir(root);
	return errno == EEXIST ? 0 : -1;
}

int blob_write(const char *root, int64_t eid, int64_t bid, const uint8_t ekey[BLOB_KEY_LEN], const void *data,
	       size_t len, char *err, size_t errlen)
{
	char dir[4096], tmp[4096], final[4096], ad[AD_LEN];
	uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES], header[HEADER_LEN];
	crypto_secretstream_xchacha20poly1305_state state;
	uint8_t *chunk = NULL;
	int fd = -1, rc = -1, renamed = 0;
	const char *what = "cannot write";
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium did not start");
		return -1;
	}
	if (path_of(dir, sizeof(dir), root, eid, 0, "") || path_of(tmp, sizeof(tmp), root, eid, bid, ".tmp") ||
	    path_of(final, sizeof(final), root, eid, bid, "")) {
		snprintf(err, errlen, "the blob folder's path is too long");
		return -1;
	}
	if (make_folder(root, dir)) {
		snprintf(err, errlen, "cannot create the blob folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		goto out;
	blob_key(ekey, eid, bid, key, ad);
	crypto_secretstream_xchacha20poly1305_init_push(&state, header, key);
	sodium_memzero(key, sizeof(key));
	if (write_all(fd, MAGIC, MAGIC_LEN) || write_all(fd, header, sizeof(header)))
		goto out;
	chunk = xmalloc(SEALED_CHUNK);
	/* At least one chunk, the last tagged final: an empty blob is one empty final chunk. */
	size_t off = 0;
	do {
		size_t n = len - off < BLOB_CHUNK ? len - off : BLOB_CHUNK;
		unsigned char tag = off + n == len ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
		unsigned long long sealed;
		crypto_secretstream_xchacha20poly1305_push(&state, chunk, &sealed, (const uint8_t *)data + off, n,
							   (const uint8_t *)ad, strlen(ad), tag);
		if (write_all(fd, chunk, (size_t)sealed))
			goto out;
		off += n;
	} while (off < len);
	what = "cannot make durable";
	if (fsync(fd))
		goto out;
	what = "cannot close";
	rc = close(fd);
	fd = -1;
	if (rc)
		goto out;
	what = "cannot put in place";
	if ((rc = rename(tmp, final)))
		goto out;
	renamed = 1;
	if ((rc = sync_dir(dir)))
		goto out;
	rc = 0;
out:
	if (rc) {
		int e = errno;
		rc = -1;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		/* In place but maybe not durable: gone is better than there until a crash. */
		if (renamed)
			unlink(final);
		snprintf(err, errlen, "%s blob '%s': %s", what, final, strerror(e));
	}
	sodium_memzero(&state, sizeof(state));
	free(chunk);
	return rc;
}

struct blob_reader {
	int fd;
	crypto_secretstream_xchacha20poly1305_state state;
	char ad[AD_LEN];
	uint64_t left;  /* sealed bytes not yet read from the file */
	int done;       /* the final chunk was verified */
	uint8_t *plain; /* the current chunk's content, and how much of it was handed out */
	size_t plain_len, plain_off;
	uint8_t sealed[SEALED_CHUNK];
};

/* Reads and opens the next chunk into b->plain.  0, or -1. */
static int next_chunk(struct blob_reader *b)
{
	size_t n = b->left < SEALED_CHUNK ? (size_t)b->left : SEALED_CHUNK;
	unsigned long long plain_len;
	unsigned char tag;
	if (n < ABYTES || read_full(b->fd, b->sealed, n))
		return -1;
	b->left -= n;
	if (crypto_secretstream_xchacha20poly1305_pull(&b->state, b->plain, &plain_len, &tag, b->sealed, n,
						       (const uint8_t *)b->ad, strlen(b->ad)))
		return -1;
	/* The final tag must be on the last chunk, and only there: nothing cut off, nothing added. */
	if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != (b->left == 0))
		return -1;
	b->done = b->left == 0;
	b->plain_len = (size_t)plain_len;
	b->plain_off = 0;
	return 0;
}

struct blob_reader *blob_open(const char *root, int64_t eid, int64_t bid, const uint8_t ekey[BLOB_KEY_LEN],
			      size_t *size)
{
	char path[4096];
	uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES], head[MAGIC_LEN + HEADER_LEN];
	struct stat sb;
	if (sodium_init() < 0 || path_of(path, sizeof(path), root, eid, bid, ""))
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) || sb.st_size < (off_t)(sizeof(head) + ABYTES) || read_full(fd, head, sizeof(head)) ||
	    memcmp(head, MAGIC, MAGIC_LEN)) {
		close(fd);
		return NULL;
	}
	struct blob_reader *b = xcalloc(1, sizeof(*b));
	b->fd = fd;
	blob_key(ekey, eid, bid, key, b->ad);
	int rc = crypto_secretstream_xchacha20poly1305_init_pull(&b->state, head + MAGIC_LEN, key);
	sodium_memzero(key, sizeof(key));
	if (rc) {
		blob_close(b);
		return NULL;
	}
	b->left = (uint64_t)sb.st_size - sizeof(head);
	b->plain = xmalloc(BLOB_CHUNK);
	if (b->left % SEALED_CHUNK && b->left % SEALED_CHUNK < ABYTES) { /* a last chunk too short to be one */
		blob_close(b);
		return NULL;
	}
	/* Every chunk but the last is full; each carries ABYTES of its own. */
	uint64_t chunks = (b->left + SEALED_CHUNK - 1) / SEALED_CHUNK;
	*size = (size_t)(b->left - chunks * ABYTES);
	/* The first chunk now: a blob swapped, forged or sealed with another key fails here, before
	 * a caller has promised anyone its content. */
	if (next_chunk(b)) {
		blob_close(b);
		return NULL;
	}
	return b;
}

ssize_t blob_read(struct blob_reader *b, void *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		if (b->plain_off == b->plain_len) {
			if (b->done)
				break;
			if (next_chunk(b))
				return -1;
			continue;
		}
		size_t n = b->plain_len - b->plain_off < cap - got ? b->plain_len - b->plain_off : cap - got;
		memcpy((uint8_t *)buf + got, b->plain + b->plain_off, n);
		b->plain_off += n;
		got += n;
	}
	return (ssize_t)got;
}

void blob_close(struct blob_reader *b)
{
	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	if (b->plain)
		sodium_memzero(b->plain, BLOB_CHUNK);
	free(b->plain);
	sodium_memzero(b, sizeof(*b));
	free(b);
}

uint8_t *blob_load(const char *root, int64_t eid, int64_t bid, const uint8_t ekey[BLOB_KEY_LEN], size_t max,
		   size_t *len)
{
	size_t size;
	struct blob_reader *b = blob_open(root, eid, bid, ekey, &size);
	if (!b)
		return NULL;
	uint8_t *out = NULL;
	if (size <= max) {
		out = xmalloc(size ? size : 1);
		/* One read past the end proves the final chunk came. */
		uint8_t extra;
		if (blob_read(b, out, size) != (ssize_t)size || blob_read(b, &extra, 1) != 0) {
			sodium_memzero(out, size);
			free(out);
			out = NULL;
		}
	}
	blob_close(b);
	if (out)
		*len = size;
	return out;
}

int blob_delete(const char *root, int64_t eid, int64_t bid)
{
	char path[4096];
	int rc = 0;
	if (path_of(path, sizeof(path), root, eid, bid, ""))
		return -1;
	if (unlink(path) && errno != ENOENT)
		rc = -1;
	if (path_of(path, sizeof(path), root, eid, bid, ".tmp") || (unlink(path) && errno != ENOENT))
		rc = -1;
	return rc;
}

/* A name that is a decimal id, with an optional ".tmp": the id, and whether it is temporary. */
static int64_t name_id(const char *name, int *temp)
{
	char digits[ID_STR_LEN];
	int64_t id;
	size_t n = strspn(name, "0123456789");
	*temp = !strcmp(name + n, ".tmp");
	if (n == 0 || n >= sizeof(digits) || (name[n] && !*temp))
		return 0;
	memcpy(digits, name, n);
	digits[n] = '\0';
	return id_parse(digits, &id) ? 0 : id;
}

/* Calls fn for each name of dir that is an id (temp: with ".tmp").  0, or -1 when dir cannot be
 * read (none is no error). */
static int each_id(const char *dir, void (*fn)(int64_t id, int temp, void *arg), void *arg)
{
	struct dirent *e;
	int temp;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		int64_t id = name_id(e->d_name, &temp);
		if (id)
			fn(id, temp, arg);
	}
	closedir(d);
	return 0;
}

struct folder_walk {
	void (*fn)(int64_t eid, void *arg);
	void *arg;
};

static void folder_found(int64_t eid, int temp, void *arg)
{
	struct folder_walk *w = arg;
	if (!temp)
		w->fn(eid, w->arg);
}

int blob_each_enterprise(const char *root, void (*fn)(int64_t eid, void *arg), void *arg)
{
	struct folder_walk w = { fn, arg };
	return each_id(root, folder_found, &w);
}

int blob_each(const char *root, int64_t eid, void (*fn)(int64_t bid, int temp, void *arg), void *arg)
{
	char dir[4096];
	return path_of(dir, sizeof(dir), root, eid, 0, "") ? -1 : each_id(dir, fn, arg);
}

int blob_delete_enterprise(const char *root, int64_t eid)
{
	char dir[4096], path[4096];
	struct dirent *e;
	int rc = 0, temp;
	if (path_of(dir, sizeof(dir), root, eid, 0, ""))
		return -1;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		/* Only what this store writes is here; anything else is left, and the folder with it. */
		if (!name_id(e->d_name, &temp) || snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    (unlink(path) && errno != ENOENT))
			rc = -1;
	}
	closedir(d);
	if (!rc && rmdir(dir) && errno != ENOENT)
		rc = -1;
	return rc;
}
