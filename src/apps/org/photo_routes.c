/*
 * Member photo routes: the member themself, or an administrator with the members right over them,
 * uploads or removes the photo; any member of the enterprise fetches it.  An upload is taken for
 * what its bytes are, not what its Content-Type says, and only its re-encoded thumbnail is kept
 * (photo.h): the file as sent, with whatever metadata it carried, is never stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/org/member.h"
#include "apps/org/photo.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/banned.h"

/*
 * The member {uid} of eid whose photo the caller reads (any member may) or changes (themself, or
 * with the members right over them).  Runs the enterprise check first, so an outsider learns
 * nothing.  ERR_OK or the failure (already recorded).
 */
static enum err find_target(struct req *r, int change, int64_t *eid, int64_t *uid)
{
	struct org_member me, target;
	enum err rc;
	int found;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, eid, &me)))
		return rc;
	found = id_parse(r->params[1], uid) ? 0 : org_member_get(r->app->st, *eid, *uid, &target);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the membership");
	if (!found)
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "no member '%.24s' in this enterprise", r->params[1]);
	if (change && !member_full_view(r->app->st, &me, *uid)) {
		req_extra(r, "right", json_string(org_right_name(ORG_RIGHT_MEMBERS)));
		return req_fail(r, ERR_FORBIDDEN, "only the member, or an administrator with the 'members' right over "
				"them, may change their photo");
	}
	return ERR_OK;
}

static enum err put_photo(struct req *r)
{
	int64_t eid, uid, now = clock_now_ms();
	const struct config *cfg = r->app->cfg;
	size_t cap = (size_t)(cfg->max_photo < cfg->max_upload ? cfg->max_photo : cfg->max_upload), len, thumb_len = 0;
	const uint8_t *data;
	uint8_t *thumb = NULL;
	char why[200];
	enum photo_type type;
	enum err rc;
	/* Who may, and what was sent, first; the image work then runs outside any transaction. */
	if ((rc = find_target(r, 1, &eid, &uid)) || (rc = req_upload(r, cap, &data, &len)))
		return rc;
	if ((type = photo_sniff(data, len)) == PHOTO_NONE)
		return req_fail(r, ERR_UNSUPPORTED_IMAGE, "the photo is not a JPEG, PNG or WebP image (judged by its "
				"content, whatever its Content-Type says)");
	if (!(thumb = photo_thumbnail(data, len, type, &thumb_len, why, sizeof(why))))
		return req_fail(r, ERR_UNSUPPORTED_IMAGE, "%s", why);
	/* The membership may have changed while the image was made: check again, inside the write. */
	if ((rc = org_begin(r)) || (rc = find_target(r, 1, &eid, &uid)))
		goto out;
	struct store_stmt *s = store_prepare(r->app->st,
		"INSERT INTO member_photos (enterprise_id, user_id, mime, bytes, updated_at) VALUES (?, ?, ?, ?, ?)"
		" ON CONFLICT (enterprise_id, user_id) DO UPDATE SET mime = excluded.mime, bytes = excluded.bytes,"
		" updated_at = excluded.updated_at");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, PHOTO_MIME, -1);
	store_bind_blob(s, 4, thumb, thumb_len);
	store_bind_int(s, 5, now);
	if (store_run(s) != STORE_DONE) {
		rc = req_fail(r, ERR_INTERNAL, "cannot store the photo");
		goto out;
	}
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"uploaded\":\"%s\"}", photo_type_mime(type));
	if ((rc = org_audit(r, "member.photo_set", uid, "enterprise", eid, detail)) || (rc = org_commit(r)))
		goto out;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_id(&w, "user_id", uid);
	jsonw_bool(&w, "photo", 1);
	jsonw_str(&w, "type", PHOTO_MIME);
	jsonw_int(&w, "size", (int64_t)thumb_len);
	jsonw_int(&w, "width", PHOTO_SIZE);
	jsonw_int(&w, "height", PHOTO_SIZE);
	jsonw_time(&w, "updated_at", now);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
out:
	free(thumb);
	return rc;
}

static enum err get_photo(struct req *r)
{
	int64_t eid, uid;
	enum err rc;
	if ((rc = find_target(r, 0, &eid, &uid)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT mime, bytes FROM member_photos WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return req_fail(r, ERR_PHOTO_NOT_FOUND, NULL);
	}
	size_t len;
	const void *bytes = store_col_blob(s, 1, &len);
	req_set_header(r, "x-content-type-options", "nosniff");
	req_send_bytes(r, 200, store_col_text(s, 0), bytes, len);
	store_reset(s);
	return ERR_OK;
}

static enum err delete_photo(struct req *r)
{
	int64_t eid, uid;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = find_target(r, 1, &eid, &uid)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st, "DELETE FROM member_photos WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot delete the photo");
	if (!store_changes(r->app->st))
		return req_fail(r, ERR_PHOTO_NOT_FOUND, NULL);
	if ((rc = org_audit(r, "member.photo_delete", uid, "enterprise", eid, NULL)) || (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

const struct route photo_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/members/{uid}/photo", get_photo, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/members/{uid}/photo", put_photo, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/members/{uid}/photo", delete_photo, ROUTE_AUTH },
	{ 0 }
};
