/*
 * Export of a user's data (PP-36): POST /me/exports asks for a copy, GET /me/exports/{id} shows
 * how far it has come, GET /me/exports/{id}/download fetches the ZIP.  The work itself is the job
 * runner's (privacy/export.h): a request only queues it, so no event loop waits on a large export.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/jsonw.h"
#include "http/req.h"
#include "jobs/jobs.h"
#include "privacy/audit.h"
#include "privacy/export.h"
#include "core/banned.h"

static void reply_export(struct req *r, int status, const struct export_info *e)
{
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_id(&w, "id", e->id);
	jsonw_str(&w, "status", export_status_name(e->status));
	jsonw_int(&w, "progress", e->progress);
	jsonw_time(&w, "created_at", e->created_at);
	if (e->ready_at) {
		jsonw_time(&w, "ready_at", e->ready_at);
		jsonw_time(&w, "expires_at", e->expires_at);
		jsonw_int(&w, "size", e->size);
	} else {
		jsonw_null(&w, "ready_at");
		jsonw_null(&w, "expires_at");
		jsonw_null(&w, "size");
	}
	jsonw_close(&w, '}');
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
}

static enum err post_export(struct req *r)
{
	struct store *st = r->app->st;
	struct export_info e;
	char object[AUDIT_OBJECT_LEN], location[96], id[ID_STR_LEN];
	int created;
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	if (export_request(st, r->user_id, clock_now_ms(), &e, &created))
		return req_fail(r, ERR_INTERNAL, "cannot queue the export");
	/* The request is on the record together with the export it queued, or neither is. */
	if (created && audit_append(st, r->user_id, "export.request", r->user_id,
				    audit_object("export", e.id, object), NULL))
		return req_fail(r, ERR_INTERNAL, "cannot record the request in the audit log");
	if (store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot queue the export");
	jobs_poke();
	snprintf(location, sizeof(location), "/api/v1/me/exports/%s", id_format(e.id, id));
	req_set_header(r, "location", location);
	reply_export(r, 202, &e);
	return ERR_OK;
}

/* The user's export named by the path; another user's reads as no export at all. */
static enum err find_export(struct req *r, struct export_info *e)
{
	int64_t id;
	if (id_parse(r->params[0], &id))
		return req_fail(r, ERR_EXPORT_NOT_FOUND, "no export '%.24s' of yours", r->params[0]);
	int rc = export_get(r->app->st, r->user_id, id, clock_now_ms(), e);
	if (rc < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the export");
	if (rc)
		return req_fail(r, ERR_EXPORT_NOT_FOUND, "no export '%.24s' of yours", r->params[0]);
	return ERR_OK;
}

static enum err get_export(struct req *r)
{
	struct export_info e;
	enum err rc = find_export(r, &e);
	if (rc)
		return rc;
	reply_export(r, 200, &e);
	return ERR_OK;
}

static void file_path(struct req *r, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s", r->app->cfg->data, EXPORT_DIR, file);
}

static enum err download_export(struct req *r)
{
	struct store *st = r->app->st;
	struct export_info e;
	char path[4096], object[AUDIT_OBJECT_LEN], id[ID_STR_LEN], disposition[96];
	struct stat sb;
	enum err rc = find_export(r, &e);
	if (rc)
		return rc;
	id_format(e.id, id);
	if (e.status == EXPORT_QUEUED || e.status == EXPORT_RUNNING) {
		req_extra(r, "progress", json_integer(e.progress));
		return req_fail(r, ERR_EXPORT_NOT_READY, "export %s is %s (%d%%); ask again when it is ready",
				id, export_status_name(e.status), e.progress);
	}
	if (e.status == EXPORT_FAILED)
		return req_fail(r, ERR_EXPORT_NOT_READY, "export %s failed and will not be ready; start a new one", id);
	if (e.status == EXPORT_EXPIRED) {
		/* Time is up: the copy goes now, whether or not the job runner has come by yet. */
		if (e.file[0]) {
			file_path(r, e.file, path, sizeof(path));
			unlink(path);
		}
		return req_fail(r, ERR_EXPORT_EXPIRED, "export %s could be downloaded until its time ran out; start a new one", id);
	}
	file_path(r, e.file, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb)) {
		int gone = errno == ENOENT;
		if (fd >= 0)
			close(fd);
		if (gone)
			return req_fail(r, ERR_EXPORT_EXPIRED, "export %s is no longer stored; start a new one", id);
		return req_fail(r, ERR_INTERNAL, "cannot read export %s", id);
	}
	/* Every download of a copy is on the record before a byte leaves.  This GET runs inside the
	 * dispatcher's read transaction, which must end before the entry's write transaction. */
	store_end_read(st);
	if (store_begin(st) != STORE_OK) {
		close(fd);
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	}
	if (audit_append(st, r->user_id, "export.download", r->user_id, audit_object("export", e.id, object), NULL) ||
	    store_commit(st) != STORE_OK) {
		close(fd);
		return req_fail(r, ERR_INTERNAL, "cannot record the download in the audit log");
	}
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"atrium-export-%s.zip\"", id);
	req_set_header(r, "content-disposition", disposition);
	req_set_header(r, "x-content-type-options", "nosniff");
	req_send_file(r, 200, "application/zip", fd, (size_t)sb.st_size);
	return ERR_OK;
}

const struct route export_routes[] = {
	{ "POST", "/api/v1/me/exports", post_export, ROUTE_AUTH },
	{ "GET", "/api/v1/me/exports/{id}", get_export, ROUTE_AUTH },
	{ "GET", "/api/v1/me/exports/{id}/download", download_export, ROUTE_AUTH },
	{ 0 }
};
