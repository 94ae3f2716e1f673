/* GET /api/v1/me/access-log: who other than me touched my data, from the audit chain. */
#include <stdlib.h>
#include "core/jsonw.h"
#include "http/req.h"
#include "privacy/audit.h"
#include "core/banned.h"

static void write_entry(const struct audit_entry *e, void *arg)
{
	struct jsonw *w = arg;
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", e->id);
	jsonw_time(w, "at", e->at);
	if (e->actor) {
		jsonw_open(w, "actor", '{');
		jsonw_id(w, "id", e->actor);
		jsonw_close(w, '}');
	} else {
		jsonw_null(w, "actor"); /* the system or the operator, not a person */
	}
	jsonw_str(w, "action", e->action);
	jsonw_str(w, "object", e->object);
	jsonw_close(w, '}');
}

static enum err get_access_log(struct req *r)
{
	int64_t cursor, next;
	int limit;
	enum err rc = req_page(r, &limit, &cursor);
	if (rc)
		return rc;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "entries", '[');
	if (audit_list(r->app->st, r->user_id, AUDIT_BY_OTHERS, cursor, (int)limit, write_entry, &w, &next)) {
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read the audit log");
	}
	jsonw_close(&w, ']');
	if (next)
		jsonw_id(&w, "next_cursor", next);
	else
		jsonw_null(&w, "next_cursor");
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

const struct route audit_routes[] = {
	{ "GET", "/api/v1/me/access-log", get_access_log, ROUTE_AUTH },
	{ 0 }
};
