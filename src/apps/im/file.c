/*
 * Files of messages (file.h): who may fetch one, what an enterprise accepts, and the files job
 * that strips images, makes thumbnails and removes what no message needs any more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "apps/im/file_int.h"
#include "apps/im/im.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/image.h"
#include "jobs/jobs.h"
#include "privacy/audit.h"
#include "privacy/privacy.h"
#include "core/banned.h"

#define SWEEP_BATCH 500
#define ORPHAN_EVERY_MS (3600LL * 1000)

/* A message that still shows the file: not recalled, not deleted. */
#define LIVE_REFERENCE                                                                                  \
	"SELECT 1 FROM message_files f JOIN messages m ON m.conversation_id = f.conversation_id AND m.seq = f.seq" \
	" WHERE f.enterprise_id = files.enterprise_id AND f.file_id = files.id AND m.recalled_at IS NULL"

/* A field punch's photo (attendance, migration 0024): kept while the punch names it, though no
 * message ever carried it. */
#define PUNCH_REFERENCE \
	"SELECT 1 FROM attendance_punches p WHERE p.enterprise_id = files.enterprise_id AND p.photo_file_id = files.id"

const char *const file_kind_names[FILE_KINDS] = { "image", "file", "voice" };

int file_kind_parse(const char *name)
{
	for (int k = 0; name && k < FILE_KINDS; k++)
		if (!strcmp(name, file_kind_names[k]))
			return k;
	return -1;
}

enum filetype_kinds file_kind_bit(enum file_kind k)
{
	return k == FILE_KIND_IMAGE ? FILETYPE_IMAGE : k == FILE_KIND_VOICE ? FILETYPE_VOICE : FILETYPE_FILE;
}

char *file_blob_root(const struct config *cfg, char *buf, size_t len)
{
	snprintf(buf, len, "%s/blobs", cfg->data);
	return buf;
}

#define ROW_COLS                                                                                         \
	"id, enterprise_id, uploader_id, kind, name, type, mime, size, width, height, duration_ms, status, " \
	"blob_id, thumb_blob_id, thumb_size, created_at"

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

/* The row the statement s is on (ROW_COLS first). */
static void row_read(struct store_stmt *s, struct file_row *row)
{
	row->id = store_col_int(s, 0);
	row->enterprise_id = store_col_int(s, 1);
	row->uploader_id = store_col_int(s, 2);
	int k = file_kind_parse(store_col_text(s, 3));
	row->kind = k < 0 ? FILE_KIND_FILE : (enum file_kind)k;
	copy(row->name, sizeof(row->name), store_col_text(s, 4));
	copy(row->type, sizeof(row->type), store_col_text(s, 5));
	copy(row->mime, sizeof(row->mime), store_col_text(s, 6));
	row->size = store_col_int(s, 7);
	row->width = store_col_int(s, 8);
	row->height = store_col_int(s, 9);
	row->duration_ms = store_col_int(s, 10);
	copy(row->status, sizeof(row->status), store_col_text(s, 11));
	row->blob_id = store_col_int(s, 12);
	row->thumb_blob_id = store_col_int(s, 13);
	row->thumb_size = store_col_int(s, 14);
	row->created_at = store_col_int(s, 15);
}

int file_get(struct store *st, int64_t eid, int64_t fid, struct file_row *row)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT " ROW_COLS " FROM files WHERE enterprise_id = ? AND id = ? AND status <> 'deleted'");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, fid);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW)
		row_read(s, row);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

#define READERS_MAX 4
static int (*readers[READERS_MAX])(struct store *st, int64_t eid, int64_t fid, int64_t uid);
static int nreaders;

void file_add_reader(int (*may)(struct store *st, int64_t eid, int64_t fid, int64_t uid))
{
	if (nreaders < READERS_MAX)
		readers[nreaders++] = may;
}

int file_may_see(struct store *st, const struct file_row *row, int64_t uid)
{
	if (uid && row->uploader_id == uid)
		return 1;
	int rc = im_file_visible(st, row->enterprise_id, row->id, uid);
	for (int i = 0; !rc && i < nreaders; i++)
		if ((rc = readers[i](st, row->enterprise_id, row->id, uid)) > 0)
			rc = 2;
	return rc;
}

/* The fields every description has, then those of its kind. */
static void write_common(const struct file_row *row, struct jsonw *w)
{
	jsonw_id(w, "file_id", row->id);
	jsonw_str(w, "kind", file_kind_names[row->kind]);
	jsonw_str(w, "name", row->name);
	jsonw_int(w, "size", row->size);
	jsonw_str(w, "mime", row->mime);
	if (row->kind == FILE_KIND_IMAGE) {
		jsonw_int(w, "width", row->width);
		jsonw_int(w, "height", row->height);
	} else if (row->kind == FILE_KIND_VOICE) {
		jsonw_int(w, "duration_ms", row->duration_ms);
	}
}

void file_write(const struct file_row *row, struct jsonw *w)
{
	write_common(row, w);
	jsonw_str(w, "type", row->type);
	jsonw_str(w, "status", row->status);
	jsonw_bool(w, "thumbnail", row->thumb_blob_id != 0); /* images, once processed */
	jsonw_time(w, "created_at", row->created_at);
}

int file_describe(struct store *st, int64_t eid, int64_t fid, int64_t uid, const char *kind, struct jsonw *w,
		  enum err *err)
{
	struct file_row row;
	int found = file_get(st, eid, fid, &row), visible = 0;
	if (found > 0 && (!strcmp(row.status, "ready") || !strcmp(row.status, "processing")))
		visible = file_may_see(st, &row, uid);
	if (found < 0 || visible < 0) {
		*err = ERR_INTERNAL;
		return -1;
	}
	/* An administrator's look (2) is for looking only: nobody sends on a photo they may only see. */
	if (!visible || visible == 2) {
		*err = ERR_FILE_NOT_FOUND;
		return -1;
	}
	if (kind && strcmp(kind, file_kind_names[row.kind])) {
		*err = ERR_INVALID_VALUE;
		return -1;
	}
	write_common(&row, w);
	return 0;
}

/* Runs a statement of two integer parameters (enterprise first); 0 or -1. */
static int run_ids(struct store *st, const char *sql, int64_t eid, int64_t id)
{
	struct store_stmt *s = store_prepare(st, sql);
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, id);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

int file_release(struct store *st, int64_t eid, int64_t fid)
{
	if (run_ids(st, "UPDATE files SET status = 'deleted', name = '' WHERE enterprise_id = ? AND id = ?"
		    " AND status <> 'deleted' AND NOT EXISTS (" LIVE_REFERENCE ")", eid, fid))
		return -1;
	/* The job removes the blobs once this commits: at this wake if it is committed by then,
	 * else at the next (within a minute). */
	if (store_changes(st))
		jobs_poke();
	return 0;
}

uint64_t file_type_bit(const struct filetype *t)
{
	return (uint64_t)1 << (t - filetype_catalogue);
}

void file_rule_default(const struct config *cfg, enum file_kind k, struct file_rule *rule)
{
	long max = k == FILE_KIND_IMAGE ? cfg->file_image_max : k == FILE_KIND_VOICE ? cfg->file_voice_max : cfg->max_upload;
	rule->max_bytes = max < cfg->max_upload ? max : cfg->max_upload;
	rule->types = 0;
	for (const struct filetype *t = filetype_catalogue; t->name; t++)
		if (t->kinds & file_kind_bit(k))
			rule->types |= file_type_bit(t);
}

int file_rule_get(struct store *st, const struct config *cfg, int64_t eid, enum file_kind k, struct file_rule *rule)
{
	struct store_stmt *s = store_prepare(st, "SELECT max_bytes, types FROM file_settings WHERE enterprise_id = ? AND kind = ?");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, file_kind_names[k], -1);
	enum store_rc rc = store_step(s);
	file_rule_default(cfg, k, rule);
	if (rc == STORE_ROW) {
		int64_t max = store_col_int(s, 0);
		if (max < rule->max_bytes)
			rule->max_bytes = max; /* max-upload, lowered since, still caps it */
		/* Names, comma-separated; a name the catalogue lost (none ever is) allows nothing. */
		uint64_t types = 0;
		char name[32];
		for (const char *p = store_col_text(s, 1); *p;) {
			size_t n = strcspn(p, ",");
			if (n < sizeof(name)) {
				memcpy(name, p, n);
				name[n] = '\0';
				const struct filetype *t = filetype_find(name);
				if (t && (t->kinds & file_kind_bit(k)))
					types |= file_type_bit(t);
			}
			p += n + (p[n] == ',');
		}
		rule->types = types;
	}
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : -1;
}

int file_rule_put(struct store *st, int64_t eid, enum file_kind k, const struct file_rule *rule)
{
	char types[512] = "";
	size_t len = 0;
	for (const struct filetype *t = filetype_catalogue; t->name; t++)
		if (rule->types & file_type_bit(t))
			len += (size_t)snprintf(types + len, sizeof(types) - len, "%s%s", len ? "," : "", t->name);
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO file_settings (enterprise_id, kind, max_bytes, types) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (enterprise_id, kind) DO UPDATE SET max_bytes = excluded.max_bytes, types = excluded.types");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, file_kind_names[k], -1);
	store_bind_int(s, 3, rule->max_bytes);
	store_bind_text(s, 4, types, -1);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

int file_enterprise_key(struct store *st, const struct keyring *kr, int64_t eid, uint8_t key[BLOB_KEY_LEN])
{
	if (!subject_key_open(st, kr, eid, key))
		return 0;
	/* The first file of the enterprise.  Its id names its key: ids are unique across tables, so
	 * no account's or pending member's key has it.  Inside the write lock another upload may
	 * have made it first: look again before making one. */
	if (store_begin(st) != STORE_OK)
		return -1;
	if (subject_key_open(st, kr, eid, key) && subject_key_create(st, kr, eid)) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st) != STORE_OK) {
		store_rollback(st);
		return -1;
	}
	return subject_key_open(st, kr, eid, key);
}

/* ---- the files job ---- */

/* Ends an image's processing: status ready with its new blobs, or failed (new_blob 0).  Only a
 * file still processing changes (it may have been released meanwhile).  1 changed, 0 not, -1. */
static int finish_image(struct store *st, const struct file_row *row, const struct image_out *full, int64_t new_blob,
			int64_t thumb_blob, size_t thumb_len)
{
	struct store_stmt *s;
	if (store_begin(st) != STORE_OK)
		return -1;
	if (new_blob) {
		s = store_prepare(st,
			"UPDATE files SET status = 'ready', blob_id = ?, thumb_blob_id = ?, thumb_size = ?, size = ?, mime = ?,"
			" width = ?, height = ? WHERE enterprise_id = ? AND id = ? AND status = 'processing'");
		store_bind_int(s, 1, new_blob);
		store_bind_int(s, 2, thumb_blob);
		store_bind_int(s, 3, (int64_t)thumb_len);
		store_bind_int(s, 4, (int64_t)full->len);
		store_bind_text(s, 5, image_type_mime(full->type), -1);
		store_bind_int(s, 6, full->width);
		store_bind_int(s, 7, full->height);
		store_bind_int(s, 8, row->enterprise_id);
		store_bind_int(s, 9, row->id);
	} else {
		s = store_prepare(st,
			"UPDATE files SET status = 'failed', blob_id = NULL WHERE enterprise_id = ? AND id = ? AND status = 'processing'");
		store_bind_int(s, 1, row->enterprise_id);
		store_bind_int(s, 2, row->id);
	}
	if (store_run(s) != STORE_DONE) {
		store_rollback(st);
		return -1;
	}
	int changed = store_changes(st) > 0;
	if (store_commit(st) != STORE_OK) {
		store_rollback(st);
		return -1;
	}
	return changed;
}

/*
 * One image: its upload read back, re-encoded full size and as a thumbnail without metadata,
 * both sealed as new blobs, the row pointed at them; then the upload's blob goes.  An image that
 * cannot be decoded fails for good; anything else (disk, database) is tried again later.  0 or -1.
 */
static int process_image(struct store *st, struct file_env *env, const struct file_row *row)
{
	uint8_t key[BLOB_KEY_LEN];
	uint8_t *data = NULL;
	size_t len = 0;
	struct image_out full = { 0 }, thumb = { 0 };
	char why[256] = "";
	int64_t new_blob = 0, thumb_blob = 0;
	int rc = -1, have_key = !subject_key_open(st, env->kr, row->enterprise_id, key);
	if (have_key)
		data = blob_load(env->root, row->enterprise_id, row->blob_id, key, SIZE_MAX, &len);
	enum image_type t = data ? image_sniff(data, len) : IMAGE_NONE;
	if (t == IMAGE_NONE ||
	    image_render(data, len, t, IMAGE_FIT_ORIGINAL, 0, IMAGE_NONE, &full, why, sizeof(why)) ||
	    image_render(data, len, t, IMAGE_FIT_INSIDE, FILE_THUMB_SIZE, IMAGE_JPEG, &thumb, why, sizeof(why))) {
		fprintf(stderr, "atrium: files: image %lld cannot be processed: %s\n", (long long)row->id,
			*why ? why : "its upload cannot be read back");
		if (finish_image(st, row, NULL, 0, 0, 0) < 0)
			goto out;
		blob_delete(env->root, row->enterprise_id, row->blob_id);
		rc = 0;
		goto out;
	}
	char err[512];
	new_blob = id_next();
	thumb_blob = id_next();
	if (blob_write(env->root, row->enterprise_id, new_blob, key, full.data, full.len, err, sizeof(err)) ||
	    blob_write(env->root, row->enterprise_id, thumb_blob, key, thumb.data, thumb.len, err, sizeof(err))) {
		fprintf(stderr, "atrium: files: %s\n", err);
		goto drop;
	}
	int changed = finish_image(st, row, &full, new_blob, thumb_blob, thumb.len);
	if (changed < 0)
		goto drop;
	rc = 0;
	if (!changed) /* released while it was processed: the new blobs are nobody's */
		goto drop;
	/* The upload as sent, metadata and all, is not kept a moment longer. */
	blob_delete(env->root, row->enterprise_id, row->blob_id);
	goto out;
drop:
	blob_delete(env->root, row->enterprise_id, new_blob);
	blob_delete(env->root, row->enterprise_id, thumb_blob);
out:
	sodium_memzero(key, sizeof(key));
	if (data)
		sodium_memzero(data, len);
	free(data);
	free(full.data);
	free(thumb.data);
	return rc;
}

/* The images still processing, oldest first, one at a time (no statement stays open). */
static int process_images(struct store *st, struct file_env *env, int (*stopping)(void))
{
	int64_t after = 0;
	struct file_row row;
	while (!stopping || !stopping()) {
		struct store_stmt *s = store_prepare(st,
			"SELECT " ROW_COLS " FROM files WHERE status = 'processing' AND id > ? ORDER BY id LIMIT 1");
		store_bind_int(s, 1, after);
		enum store_rc rc = store_step(s);
		if (rc == STORE_ROW)
			row_read(s, &row);
		store_reset(s);
		if (rc == STORE_DONE)
			return 0;
		if (rc != STORE_ROW || process_image(st, env, &row))
			return -1;
		after = row.id;
	}
	return 0;
}

/* Uploads never sent within FILE_UNSENT_MS become deleted, a batch per transaction.  Count or -1. */
static int64_t expire_unsent(struct store *st, int64_t now)
{
	int64_t ids[SWEEP_BATCH], total = 0;
	for (;;) {
		int n = 0;
		if (store_begin(st) != STORE_OK)
			return -1;
		struct store_stmt *s = store_prepare(st,
			"SELECT id FROM files WHERE status <> 'deleted' AND created_at < ? AND NOT EXISTS (" LIVE_REFERENCE ")"
			" AND NOT EXISTS (" PUNCH_REFERENCE ")"
			" ORDER BY created_at LIMIT ?");
		store_bind_int(s, 1, now - FILE_UNSENT_MS);
		store_bind_int(s, 2, SWEEP_BATCH);
		enum store_rc rc;
		while ((rc = store_step(s)) == STORE_ROW)
			ids[n++] = store_col_int(s, 0);
		store_reset(s);
		for (int i = 0; rc == STORE_DONE && i < n; i++) {
			s = store_prepare(st, "UPDATE files SET status = 'deleted', name = '' WHERE id = ?");
			store_bind_int(s, 1, ids[i]);
			rc = store_run(s);
		}
		char detail[64];
		snprintf(detail, sizeof(detail), "{\"removed\":%d}", n);
		/* Like every retention sweep: one entry per batch, a table and a count, no one's data. */
		if (rc != STORE_DONE || (n && audit_append(st, 0, "retention.sweep", 0, "table:files", detail)) ||
		    store_commit(st) != STORE_OK) {
			store_rollback(st);
			return -1;
		}
		total += n;
		if (n < SWEEP_BATCH)
			return total;
	}
}

/* Deleted files: their blobs go, then their rows.  Count or -1. */
static int64_t remove_deleted(struct store *st, const char *root)
{
	int64_t total = 0;
	for (;;) {
		struct {
			int64_t id, eid, blob, thumb;
		} f[100];
		int n = 0, gone = 0;
		struct store_stmt *s = store_prepare(st,
			"SELECT id, enterprise_id, blob_id, thumb_blob_id FROM files WHERE status = 'deleted' ORDER BY id LIMIT 100");
		enum store_rc rc;
		while ((rc = store_step(s)) == STORE_ROW) {
			f[n].id = store_col_int(s, 0);
			f[n].eid = store_col_int(s, 1);
			f[n].blob = store_col_int(s, 2);
			f[n].thumb = store_col_int(s, 3);
			n++;
		}
		store_reset(s);
		if (rc != STORE_DONE)
			return -1;
		if (!n)
			return total;
		if (store_begin(st) != STORE_OK)
			return -1;
		for (int i = 0; i < n; i++) {
			/* The row stays until its blobs are gone: a blob that would not go is tried again. */
			if ((f[i].blob && blob_delete(root, f[i].eid, f[i].blob)) ||
			    (f[i].thumb && blob_delete(root, f[i].eid, f[i].thumb))) {
				fprintf(stderr, "atrium: files: cannot remove the blobs of file %lld\n", (long long)f[i].id);
				continue;
			}
			if (run_ids(st, "DELETE FROM files WHERE enterprise_id = ? AND id = ? AND status = 'deleted'", f[i].eid, f[i].id)) {
				store_rollback(st);
				return -1;
			}
			gone++;
		}
		if (store_commit(st) != STORE_OK) {
			store_rollback(st);
			return -1;
		}
		total += gone;
		if (gone < n || n < 100)
			return total;
	}
}

struct orphan_walk {
	struct store *st;
	const char *root;
	int64_t now, eid, removed;
	int failed;
};

static void orphan_blob(int64_t bid, int temp, void *arg)
{
	struct orphan_walk *o = arg;
	/* A young blob may be an upload or a processed image whose row has yet to commit. */
	if (id_time_ms(bid) > o->now - FILE_ORPHAN_MS)
		return;
	int named = 0;
	if (!temp) {
		struct store_stmt *s = store_prepare(o->st,
			"SELECT 1 FROM files WHERE enterprise_id = ? AND (blob_id = ? OR thumb_blob_id = ?) LIMIT 1");
		store_bind_int(s, 1, o->eid);
		store_bind_int(s, 2, bid);
		store_bind_int(s, 3, bid);
		enum store_rc rc = store_step(s);
		store_reset(s);
		if (rc != STORE_ROW && rc != STORE_DONE) {
			o->failed = 1;
			return;
		}
		named = rc == STORE_ROW;
	}
	if (!named && !blob_delete(o->root, o->eid, bid))
		o->removed++;
}

static void orphan_folder(int64_t eid, void *arg)
{
	struct orphan_walk *o = arg;
	struct store_stmt *s = store_prepare(o->st, "SELECT 1 FROM enterprises WHERE id = ?");
	store_bind_int(s, 1, eid);
	enum store_rc rc = store_step(s);
	store_reset(s);
	if (rc == STORE_DONE) {
		/* The enterprise is gone, and its key with it: what is left cannot be read; remove it. */
		if (blob_delete_enterprise(o->root, eid))
			o->failed = 1;
		else
			o->removed++;
		return;
	}
	if (rc != STORE_ROW) {
		o->failed = 1;
		return;
	}
	o->eid = eid;
	if (blob_each(o->root, eid, orphan_blob, o))
		o->failed = 1;
}

int file_sweep(struct store *st, const char *root, int64_t now, int orphans, struct file_sweep_report *rep)
{
	struct file_sweep_report local = { 0 };
	int rc = 0;
	if ((local.expired = expire_unsent(st, now)) < 0) {
		local.expired = 0;
		rc = -1;
	}
	if ((local.removed = remove_deleted(st, root)) < 0) {
		local.removed = 0;
		rc = -1;
	}
	if (orphans) {
		struct orphan_walk o = { .st = st, .root = root, .now = now };
		if (blob_each_enterprise(root, orphan_folder, &o) || o.failed)
			rc = -1;
		local.orphans = o.removed;
	}
	if (rep)
		*rep = local;
	return rc;
}

int file_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void))
{
	struct file_env *env = arg;
	int64_t now = clock_now_ms();
	int orphans = now - env->orphans_swept_at >= ORPHAN_EVERY_MS, rc = 0;
	struct file_sweep_report rep;
	if (process_images(st, env, stopping))
		rc = -1;
	if (file_sweep(st, env->root, now, orphans, &rep))
		rc = -1;
	else if (orphans)
		env->orphans_swept_at = now;
	return rc;
}

/* Leaving (PP-37): the leaver's unsent uploads go; the files they sent stay with the messages,
 * which are the enterprise's, but no longer name them. */
static int member_leaves(struct store *st, int64_t eid, int64_t uid)
{
	if (run_ids(st, "UPDATE files SET status = 'deleted', name = '' WHERE enterprise_id = ? AND uploader_id = ?"
		    " AND status <> 'deleted' AND NOT EXISTS (" LIVE_REFERENCE ")", eid, uid))
		return -1;
	return run_ids(st, "UPDATE files SET uploader_id = 0 WHERE enterprise_id = ? AND uploader_id = ?", eid, uid);
}

void file_init(void)
{
	org_add_leave_hook(member_leaves);
}
