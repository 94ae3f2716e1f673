/*
 * Files of messages (issue 5): images, voice recordings and other files a member uploads, then
 * sends in a message.  The bytes live in the blob store (blob/blob.h) sealed with the
 * enterprise's key; the table files (migration 0020) says what each is and who may fetch it: the
 * uploader, and whoever im_file_visible() lets see a message carrying it.  An image is fetched
 * by nobody until the files job has re-encoded it without its metadata (EXIF, GPS…) and made its
 * thumbnail.  A file no message refers to any more goes, blobs and all; one never sent goes a day
 * after its upload (FILE_UNSENT_MS), unless a field punch shows it (attendance).  The routes are
 * in file_routes.c.
 */
#ifndef ATRIUM_APPS_IM_FILE_H
#define ATRIUM_APPS_IM_FILE_H
#include <stddef.h>
#include <stdint.h>
#include "core/config.h"
#include "core/err.h"
#include "core/jsonw.h"
#include "crypto/keyring.h"
#include "store/store.h"

#define FILE_UNSENT_MS (24LL * 3600 * 1000) /* an upload never sent in a message goes after this */
#define FILE_THUMB_SIZE 320                 /* pixels of a thumbnail's longest side */
#define FILE_NAME_MAX 255                   /* characters of a file's name */
#define FILE_VOICE_MAX_MS 300000            /* longest voice message: 5 minutes */
#define FILE_ORPHAN_MS (3600LL * 1000)      /* a blob no row names is removed once this old */

/*
 * Checks that fid is a ready-or-processing file of eid that uid uploaded, or may see
 * (im_file_visible), and of the kind expected ("image", "file", "voice"; NULL: any); writes
 * its description into the open JSON object w: "file_id","kind","name","size","mime", and
 * "width","height" for images, "duration_ms" for voice.  0, or -1 with the error code to
 * report in *err (ERR_FILE_NOT_FOUND, or a kind mismatch as ERR_INVALID_VALUE).
 */
int file_describe(struct store *st, int64_t eid, int64_t fid, int64_t uid, const char *kind, struct jsonw *w,
		  enum err *err);
/*
 * Adds a rule of another module to who may fetch a file, asked after the uploader and the
 * messages carrying it: may() says 1 (may), 0 or -1.  A yes is an administrator's look at someone
 * else's data (a field punch's photo): the file routes audit it as "file.view" with the uploader
 * as subject, so it shows in their access log.  Register once at start, before the loops run.
 */
void file_add_reader(int (*may)(struct store *st, int64_t eid, int64_t fid, int64_t uid));

/*
 * A message carrying fid was recalled or deleted (inside the caller's transaction): when no
 * message refers to fid any more, the file is marked deleted and its blobs go from disk
 * after the commit (by the files job).  0 or -1.
 */
int file_release(struct store *st, int64_t eid, int64_t fid);

/* "<data>/blobs" into buf; buf. */
char *file_blob_root(const struct config *cfg, char *buf, size_t len);

/* What the files job needs beside its connections. */
struct file_env {
	const struct keyring *kr;
	const char *root; /* the blob store's folder */
	int64_t orphans_swept_at; /* the job's own: when it last looked for orphan blobs */
};

/*
 * The job (jobs.h): re-encodes every image still processing (a stripped full-size copy and a
 * thumbnail, both sealed blobs; the upload's blob then goes), then sweeps (file_sweep), looking
 * for orphan blobs once an hour.  Poked after each image upload.
 */
int file_job(struct store *st, struct store *rd, void *env /* struct file_env */, int (*stopping)(void));

/* What a sweep did. */
struct file_sweep_report {
	int64_t expired; /* uploads never sent within FILE_UNSENT_MS, marked deleted */
	int64_t removed; /* deleted files whose blobs and row are now gone */
	int64_t orphans; /* blobs and folders no row names any more, removed */
};

/*
 * Marks deleted every file never sent whose upload is FILE_UNSENT_MS old at now (an audit entry
 * "retention.sweep" per batch), removes the blobs then the row of every deleted file, and, when
 * orphans is set, removes the blobs no row names (older than FILE_ORPHAN_MS: a crash between a
 * blob's write and its row's commit) and the folders of enterprises that no longer exist.  Fills
 * *rep (may be NULL).  0, or -1 (what was done stays done).
 */
int file_sweep(struct store *st, const char *root, int64_t now, int orphans, struct file_sweep_report *rep);

/*
 * Registers the module's part of a member leaving an enterprise (org_add_leave_hook): their
 * uploads never sent are deleted, and the files they sent stop naming them.  Call once at start.
 */
void file_init(void);

#endif
