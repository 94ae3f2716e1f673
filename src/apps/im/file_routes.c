/*
 * File routes: any active member uploads an image, voice recording or file to send in a message;
 * its uploader and those who may see a message carrying it fetch it; administrators with the
 * apps right set what the enterprise accepts.  An upload is taken for what its bytes are, never
 * for its name or Content-Type (core/filetype.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "apps/im/file_int.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/image.h"
#include "jobs/jobs.h"
#include "privacy/consent.h"
#include "privacy/privacy.h"
#include "core/banned.h"

static enum err field_fail(struct req *r, enum err e, const char *field, const char *detail)
{
	req_extra(r, "field", json_string(field));
	return req_fail(r, e, "%s", detail);
}

/* A file's name as people see it and save it: text, no path. */
static enum err check_name(struct req *r, const char *name)
{
	if (!filetype_utf8_valid(name, strlen(name)))
		return field_fail(r, ERR_INVALID_VALUE, "name", "'name' must be UTF-8 text");
	enum err rc = org_check_text(r, "name", name, FILE_NAME_MAX, 0);
	if (rc)
		return rc;
	if (strchr(name, '/') || strchr(name, '\\') || !strcmp(name, ".") || !strcmp(name, ".."))
		return field_fail(r, ERR_INVALID_VALUE, "name", "'name' is a file's name, not a path: no '/' or '\\'");
	return ERR_OK;
}

/* The query of an upload: kind, name (or the kind's default), and a voice message's length. */
static enum err read_query(struct req *r, enum file_kind *kind, const char **name, int64_t *duration)
{
	const char *k = req_query(r, "kind"), *d = req_query(r, "duration_ms");
	int parsed = file_kind_parse(k);
	enum err rc;
	*name = req_query(r, "name");
	*duration = 0;
	if (!k)
		return field_fail(r, ERR_MISSING_FIELD, "kind", "?kind= is needed: image, file or voice");
	if (parsed < 0)
		return field_fail(r, ERR_INVALID_VALUE, "kind", "?kind= must be image, file or voice");
	*kind = (enum file_kind)parsed;
	if (*kind == FILE_KIND_VOICE) {
		char *end;
		long long v = d ? strtoll(d, &end, 10) : 0;
		if (!d)
			return field_fail(r, ERR_MISSING_FIELD, "duration_ms", "a voice message needs ?duration_ms=");
		if (!*d || *end || v < 1 || v > FILE_VOICE_MAX_MS)
			return field_fail(r, ERR_INVALID_VALUE, "duration_ms", "?duration_ms= must be 1 to 300000 (5 minutes)");
		*duration = v;
	} else if (d) {
		return field_fail(r, ERR_INVALID_VALUE, "duration_ms", "?duration_ms= is for voice messages only");
	}
	if (!*name && *kind == FILE_KIND_FILE)
		return field_fail(r, ERR_MISSING_FIELD, "name", "a file needs ?name=");
	if (*name && (rc = check_name(r, *name)))
		return rc;
	return ERR_OK;
}

/* What the content is, and whether the enterprise takes it as kind k. */
static enum err check_type(struct req *r, enum file_kind k, const struct file_rule *rule, const uint8_t *data,
			   size_t len, const struct filetype **type)
{
	const char *why = NULL;
	const struct filetype *t = filetype_sniff(data, len, &why);
	*type = t;
	if (t && (t->kinds & file_kind_bit(k)) && (rule->types & file_type_bit(t)))
		return ERR_OK;
	req_extra(r, "kind", json_string(file_kind_names[k]));
	req_extra(r, "file_type", t ? json_string(t->name) : json_null()); /* "type" is the problem's own */
	if (!t)
		return req_fail(r, ERR_FILE_TYPE_NOT_ALLOWED, "the file is %s (judged by its content, whatever its name "
				"or Content-Type says)", why);
	if (!(t->kinds & file_kind_bit(k)))
		return req_fail(r, ERR_FILE_TYPE_NOT_ALLOWED, "the content is '%s' (judged by its bytes), which cannot be "
				"sent as %s", t->name, file_kind_names[k]);
	return req_fail(r, ERR_FILE_TYPE_NOT_ALLOWED, "this enterprise does not accept '%s' as %s", t->name,
			file_kind_names[k]);
}

static void reply_row(struct req *r, int status, const struct file_row *row)
{
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	file_write(row, &w);
	jsonw_close(&w, '}');
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
}

/* The microphone consent for the device of the caller's session. */
static enum err require_microphone(struct req *r)
{
	char device[CONSENT_DEVICE_LEN] = "";
	struct store_stmt *s = store_prepare(r->app->st, "SELECT device_id FROM sessions WHERE id = ?");
	store_bind_int(s, 1, r->session_id);
	if (store_step(s) == STORE_ROW)
		snprintf(device, sizeof(device), "%s", store_col_text(s, 0));
	store_reset(s);
	return consent_require_req(r, "microphone", *device ? device : NULL);
}

static enum err post_file(struct req *r)
{
	struct store *st = r->app->st;
	const struct config *cfg = r->app->cfg;
	struct file_row row = { 0 };
	struct file_rule rule;
	const struct filetype *type;
	const uint8_t *data;
	uint8_t key[BLOB_KEY_LEN];
	char root[4096], why[256], err[512];
	const char *name;
	size_t len;
	int width = 0, height = 0, image;
	enum file_kind kind = FILE_KIND_FILE;
	enum err rc;
	/* Who may, then what the query says, then the body: an outsider learns nothing. */
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &row.enterprise_id, NULL)) ||
	    (rc = read_query(r, &kind, &name, &row.duration_ms)))
		return rc;
	/* PP-12: a voice recording is the microphone's, only under its consent, from a device whose
	 * microphone permission is not reported off; text, images and files go on without it. */
	if (kind == FILE_KIND_VOICE && (rc = require_microphone(r)))
		return rc;
	if (file_rule_get(st, cfg, row.enterprise_id, kind, &rule))
		return req_fail(r, ERR_INTERNAL, "cannot read the enterprise's file settings");
	if ((rc = req_upload(r, (size_t)rule.max_bytes, &data, &len))) {
		if (rc == ERR_BODY_TOO_LARGE) {
			req_extra(r, "kind", json_string(file_kind_names[kind]));
			req_extra(r, "max_bytes", json_integer(rule.max_bytes));
		}
		return rc;
	}
	if ((rc = check_type(r, kind, &rule, data, len, &type)))
		return rc;
	/* An image is stripped of its metadata whatever kind it is sent as: sent as a file, its EXIF
	 * GPS position would otherwise travel.  Its header only now (cheap): a broken or enormous
	 * image is refused at once, not after the 201. */
	image = (type->kinds & FILETYPE_IMAGE) != 0;
	if (image && image_probe(data, len, image_sniff(data, len), &width, &height, why, sizeof(why)))
		return req_fail(r, ERR_FILE_UNREADABLE, "%s", why);
	if (file_enterprise_key(st, r->app->kr, row.enterprise_id, key))
		return req_fail(r, ERR_INTERNAL, "cannot make the enterprise's file key");
	row.id = id_next();
	row.blob_id = id_next();
	row.uploader_id = r->user_id;
	row.kind = kind;
	snprintf(row.name, sizeof(row.name), "%s%s%s", name ? name : file_kind_names[kind], name ? "" : ".",
		 name ? "" : type->ext);
	snprintf(row.type, sizeof(row.type), "%s", type->name);
	snprintf(row.mime, sizeof(row.mime), "%s", type->mime);
	/* Nobody fetches an image before the job has stripped it; the rest are ready at once. */
	snprintf(row.status, sizeof(row.status), "%s", image ? "processing" : "ready");
	row.size = (int64_t)len;
	row.width = width;
	row.height = height;
	row.created_at = clock_now_ms();
	file_blob_root(cfg, root, sizeof(root));
	/* Durable on disk before the row commits: an acknowledged upload survives a crash. */
	int written = blob_write(root, row.enterprise_id, row.blob_id, key, data, len, err, sizeof(err));
	sodium_memzero(key, sizeof(key));
	if (written) {
		fprintf(stderr, "atrium: files: %s\n", err);
		return req_fail(r, ERR_INTERNAL, "cannot store the file");
	}
	/* The membership may have ended while the blob was written: check again, inside the write. */
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_MEMBER, &row.enterprise_id, NULL)))
		goto out;
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO files (id, enterprise_id, uploader_id, kind, name, type, mime, size, width, height, duration_ms,"
		" status, blob_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?)");
	store_bind_int(s, 1, row.id);
	store_bind_int(s, 2, row.enterprise_id);
	store_bind_int(s, 3, row.uploader_id);
	store_bind_text(s, 4, file_kind_names[kind], -1);
	store_bind_text(s, 5, row.name, -1);
	store_bind_text(s, 6, row.type, -1);
	store_bind_text(s, 7, row.mime, -1);
	store_bind_int(s, 8, row.size);
	store_bind_int(s, 9, row.width);
	store_bind_int(s, 10, row.height);
	store_bind_int(s, 11, row.duration_ms);
	store_bind_text(s, 12, row.status, -1);
	store_bind_int(s, 13, row.blob_id);
	store_bind_int(s, 14, row.created_at);
	if (store_run(s) != STORE_DONE) {
		rc = req_fail(r, ERR_INTERNAL, "cannot record the file");
		goto out;
	}
	if ((rc = org_commit(r)))
		goto out;
	if (image)
		jobs_poke();
	reply_row(r, 201, &row);
out:
	if (rc)
		blob_delete(root, row.enterprise_id, row.blob_id);
	return rc;
}

/*
 * The file {fid} of {eid} as the caller may fetch it.  A file they may not fetch answers exactly
 * as one that does not exist.  ERR_OK or the failure (already recorded).
 */
static enum err find_file(struct req *r, int64_t *eid, struct file_row *row)
{
	int64_t fid;
	enum err rc;
	int found = 0, visible = 0;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, eid, NULL)))
		return rc;
	if (!id_parse(r->params[1], &fid) && (found = file_get(r->app->st, *eid, fid, row)) > 0)
		visible = file_may_see(r->app->st, row, r->user_id);
	if (found < 0 || visible < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the file");
	if (!visible)
		return req_fail(r, ERR_FILE_NOT_FOUND, "no file '%.24s' that you may fetch", r->params[1]);
	/* An administrator's look at someone else's file is audited before it is shown: the look and
	 * its entry together (a GET reads in a snapshot, which a write transaction replaces). */
	if (visible == 2) {
		store_end_read(r->app->st);
		if ((rc = org_begin(r)) || (rc = org_audit(r, "file.view", row->uploader_id, "file", row->id, NULL)) ||
		    (rc = org_commit(r)))
			return rc;
	}
	return ERR_OK;
}

static enum err get_file(struct req *r)
{
	int64_t eid;
	struct file_row row;
	enum err rc = find_file(r, &eid, &row);
	if (!rc)
		reply_row(r, 200, &row);
	return rc;
}

/* RFC 6266 with the name in RFC 5987's UTF-8 form, and a plain ASCII stand-in for old clients. */
static void set_disposition(struct req *r, const char *how, const char *name)
{
	static const char attr[] = "!#$&+-.^_`|~";
	char ascii[4 * FILE_NAME_MAX + 1], coded[3 * 4 * FILE_NAME_MAX + 1], value[sizeof(ascii) + sizeof(coded) + 64];
	size_t a = 0, c = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && a + 1 < sizeof(ascii); p++) {
		ascii[a++] = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != '%' ? (char)*p : '_';
		if (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') || (*p && strchr(attr, *p)))
			coded[c++] = (char)*p;
		else
			c += (size_t)snprintf(coded + c, sizeof(coded) - c, "%%%02X", *p);
	}
	ascii[a] = coded[c] = '\0';
	snprintf(value, sizeof(value), "%s; filename=\"%s\"; filename*=UTF-8''%s", how, ascii, coded);
	req_set_header(r, "content-disposition", value);
}

static ssize_t stream_read(void *ctx, void *buf, size_t cap)
{
	return blob_read(ctx, buf, cap);
}

static void stream_close(void *ctx)
{
	blob_close(ctx);
}

/* The content or the thumbnail, decrypted chunk by chunk as the client takes it. */
static enum err send_blob(struct req *r, int thumbnail)
{
	int64_t eid;
	struct file_row row;
	uint8_t key[BLOB_KEY_LEN];
	char root[4096], name[sizeof(row.name) + 16];
	size_t size = 0;
	enum err rc = find_file(r, &eid, &row);
	if (rc)
		return rc;
	const struct filetype *type = filetype_find(row.type);
	if (thumbnail && !(type && (type->kinds & FILETYPE_IMAGE)))
		return req_fail(r, ERR_FILE_NOT_FOUND, "only images have a thumbnail");
	if (!strcmp(row.status, "processing"))
		return req_fail(r, ERR_FILE_PROCESSING, NULL);
	if (!strcmp(row.status, "failed"))
		return req_fail(r, ERR_FILE_UNREADABLE, "the image could not be decoded, so nothing of it was kept");
	int64_t bid = thumbnail ? row.thumb_blob_id : row.blob_id, expect = thumbnail ? row.thumb_size : row.size;
	struct blob_reader *b = NULL;
	if (!subject_key_open(r->app->st, r->app->kr, eid, key))
		b = blob_open(file_blob_root(r->app->cfg, root, sizeof(root)), eid, bid, key, &size);
	sodium_memzero(key, sizeof(key));
	if (!b || (int64_t)size != expect) {
		blob_close(b);
		fprintf(stderr, "atrium: files: the blob of file %lld cannot be opened\n", (long long)row.id);
		return req_fail(r, ERR_INTERNAL, "cannot read the file");
	}
	/* Images and voice play in place; anything else is saved, never shown by the browser. */
	snprintf(name, sizeof(name), "%s%s", row.name, thumbnail ? ".thumbnail.jpg" : "");
	set_disposition(r, row.kind == FILE_KIND_FILE && !thumbnail ? "attachment" : "inline", name);
	req_set_header(r, "x-content-type-options", "nosniff");
	req_set_header(r, "content-security-policy", "default-src 'none'; sandbox");
	struct req_stream src = { stream_read, stream_close, b };
	req_send_stream(r, 200, thumbnail ? "image/jpeg" : row.mime, size, &src);
	return ERR_OK;
}

static enum err get_content(struct req *r)
{
	return send_blob(r, 0);
}

static enum err get_thumbnail(struct req *r)
{
	return send_blob(r, 1);
}

/* The settings of eid as administrators see them, with what they may choose from. */
static enum err reply_settings(struct req *r, int64_t eid)
{
	const struct config *cfg = r->app->cfg;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	for (int k = 0; k < FILE_KINDS; k++) {
		struct file_rule rule, all;
		if (file_rule_get(r->app->st, cfg, eid, (enum file_kind)k, &rule)) {
			jsonw_release(&w);
			return req_fail(r, ERR_INTERNAL, "cannot read the file settings");
		}
		file_rule_default(cfg, (enum file_kind)k, &all);
		jsonw_open(&w, file_kind_names[k], '{');
		jsonw_int(&w, "max_bytes", rule.max_bytes);
		jsonw_open(&w, "types", '[');
		for (const struct filetype *t = filetype_catalogue; t->name; t++)
			if (rule.types & file_type_bit(t))
				jsonw_str(&w, NULL, t->name);
		jsonw_close(&w, ']');
		jsonw_open(&w, "available_types", '[');
		for (const struct filetype *t = filetype_catalogue; t->name; t++)
			if (all.types & file_type_bit(t))
				jsonw_str(&w, NULL, t->name);
		jsonw_close(&w, ']');
		jsonw_close(&w, '}');
	}
	jsonw_int(&w, "max_upload", cfg->max_upload);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_settings(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_RIGHT_APPS, &eid, NULL);
	return rc ? rc : reply_settings(r, eid);
}

/* One kind's part of a PUT, applied to rule. */
static enum err read_rule(struct req *r, enum file_kind k, json_t *obj, struct file_rule *rule)
{
	static const struct field spec[] = { { "max_bytes", F_INT, 0 }, { "types", F_ARRAY, 0 }, { 0 } };
	const struct config *cfg = r->app->cfg;
	const char *kind = file_kind_names[k];
	char field[32];
	enum err rc;
	if ((rc = req_check_object(r, obj, kind, spec)))
		return rc;
	json_t *max = json_object_get(obj, "max_bytes"), *types = json_object_get(obj, "types"), *v;
	if (max) {
		json_int_t n = json_integer_value(max);
		snprintf(field, sizeof(field), "%s.max_bytes", kind);
		if (n < 1 || n > cfg->max_upload) {
			req_extra(r, "field", json_string(field));
			return req_fail(r, ERR_INVALID_VALUE, "'%s' must be 1 to %ld (max-upload)", field, cfg->max_upload);
		}
		rule->max_bytes = n;
	}
	if (types) {
		size_t i;
		rule->types = 0;
		snprintf(field, sizeof(field), "%s.types", kind);
		json_array_foreach(types, i, v) {
			const struct filetype *t = filetype_find(json_string_value(v));
			if (!t || !(t->kinds & file_kind_bit(k)) || (rule->types & file_type_bit(t))) {
				req_extra(r, "field", json_string(field));
				return req_fail(r, ERR_INVALID_VALUE, "'%s' names types of the catalogue a %s may be, each once "
						"(see available_types); not %s", field, kind, json_is_string(v) ? json_string_value(v) : "a string");
			}
			rule->types |= file_type_bit(t);
		}
		if (!rule->types) {
			req_extra(r, "field", json_string(field));
			return req_fail(r, ERR_INVALID_VALUE, "'%s' must name at least one type", field);
		}
	}
	return ERR_OK;
}

static enum err put_settings(struct req *r)
{
	static const struct field spec[] = { { "image", F_OBJECT, 0 }, { "file", F_OBJECT, 0 }, { "voice", F_OBJECT, 0 }, { 0 } };
	int64_t eid;
	enum err rc;
	char detail[96];
	size_t n = 0;
	if ((rc = org_require_body(r, ORG_RIGHT_APPS, spec, &eid, NULL)))
		return rc;
	n += (size_t)snprintf(detail, sizeof(detail), "{\"kinds\":[");
	for (int k = 0; k < FILE_KINDS; k++) {
		json_t *obj = json_object_get(r->body, file_kind_names[k]);
		struct file_rule rule;
		if (!obj)
			continue;
		if (file_rule_get(r->app->st, r->app->cfg, eid, (enum file_kind)k, &rule))
			return req_fail(r, ERR_INTERNAL, "cannot read the file settings");
		if ((rc = read_rule(r, (enum file_kind)k, obj, &rule)))
			return rc;
		if (file_rule_put(r->app->st, eid, (enum file_kind)k, &rule))
			return req_fail(r, ERR_INTERNAL, "cannot store the file settings");
		n += (size_t)snprintf(detail + n, sizeof(detail) - n, "%s\"%s\"", detail[n - 1] == '[' ? "" : ",",
				      file_kind_names[k]);
	}
	snprintf(detail + n, sizeof(detail) - n, "]}");
	if ((rc = org_audit(r, "enterprise.file_settings_set", 0, "enterprise", eid, detail)) || (rc = org_commit(r)))
		return rc;
	return reply_settings(r, eid);
}

const struct route file_routes[] = {
	{ "POST", "/api/v1/enterprises/{eid}/files", post_file, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/files/{fid}", get_file, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/files/{fid}/content", get_content, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/files/{fid}/thumbnail", get_thumbnail, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/file-settings", get_settings, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/file-settings", put_settings, ROUTE_AUTH },
	{ 0 }
};
