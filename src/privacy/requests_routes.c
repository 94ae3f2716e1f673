/*
 * The admin API for rights requests that come by e-mail, phone, post or in person (PP-39 …
 * PP-42): what `atrium admin requests …` does, for platform operators signed in to the API.
 */
#include <string.h>
#include "core/clock.h"
#include "core/jsonw.h"
#include "http/req.h"
#include "privacy/operators.h"
#include "privacy/requests.h"
#include "core/banned.h"

enum err operator_require(struct req *r)
{
	int is = operators_is(r->app->st, r->user_id);
	if (is < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the operators");
	/* Word for word what the router says of a path it does not know. */
	if (!is)
		return req_fail(r, ERR_NOT_FOUND, "no route for this path");
	return ERR_OK;
}

/* The operator check, then the body: a non-operator learns nothing from what they sent. */
static enum err operator_body(struct req *r, const struct field *spec)
{
	enum err rc;
	if ((rc = operator_require(r)) || (rc = req_read_body(r)) || (rc = req_check_body(r, spec)))
		return rc;
	return ERR_OK;
}

static enum err refused(struct req *r, const struct request_error *e)
{
	if (e->field)
		req_extra(r, "field", json_string(e->field));
	return req_fail(r, e->code, "%s", e->text);
}

static enum err bad_value(struct req *r, const char *field, const char *what)
{
	req_extra(r, "field", json_string(field));
	return req_fail(r, ERR_INVALID_VALUE, "'%s' must be %s", field, what);
}

/* The request of the path; anything that is not one is request_not_found. */
static enum err path_request(struct req *r, int64_t *id)
{
	if (id_parse(r->params[0], id))
		return req_fail(r, ERR_REQUEST_NOT_FOUND, "no rights request '%.24s'", r->params[0]);
	return ERR_OK;
}

struct writer {
	struct jsonw *w;
	int64_t now;
	int overdue;
};

static void time_or_null(struct jsonw *w, const char *key, int64_t ms)
{
	if (ms)
		jsonw_time(w, key, ms);
	else
		jsonw_null(w, key);
}

static void id_or_null(struct jsonw *w, const char *key, int64_t id)
{
	if (id)
		jsonw_id(w, key, id);
	else
		jsonw_null(w, key);
}

static void write_request(const struct request *q, void *arg)
{
	struct writer *k = arg;
	struct jsonw *w = k->w;
	/* Late only while it is open: an answer after the date closes it, late or not. */
	int overdue = !strcmp(q->status, "open") && q->due_at && q->due_at < k->now;
	k->overdue += overdue;
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", q->id);
	jsonw_str(w, "type", q->type);
	jsonw_str(w, "channel", q->channel);
	jsonw_str(w, "requester", q->requester);
	id_or_null(w, "user_id", q->user_id);
	jsonw_str(w, "identity", q->identity);
	jsonw_time(w, "received_at", q->received_at);
	time_or_null(w, "verified_at", q->verified_at);
	time_or_null(w, "due_at", q->due_at);
	jsonw_bool(w, "overdue", overdue);
	id_or_null(w, "repeat_of", q->repeat_of);
	jsonw_str(w, "status", q->status);
	time_or_null(w, "closed_at", q->answered_at);
	jsonw_str(w, "ground", *q->ground ? q->ground : NULL);
	jsonw_str(w, "text", *q->answer ? q->answer : NULL);
	jsonw_close(w, '}');
}

/* Replies with the request as it now stands. */
static enum err reply_request(struct req *r, int status, int64_t id)
{
	struct jsonw w;
	struct writer k = { .w = &w, .now = clock_now_ms() };
	jsonw_init(&w);
	int found = requests_get(r->app->st, id, write_request, &k);
	if (found) {
		char rid[ID_STR_LEN];
		jsonw_release(&w);
		if (found > 0)
			return req_fail(r, ERR_REQUEST_NOT_FOUND, "no rights request '%s'", id_format(id, rid));
		return req_fail(r, ERR_INTERNAL, "cannot read the request");
	}
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err list_requests(struct req *r)
{
	const char *status = req_query(r, "status");
	enum err rc = operator_require(r);
	if (rc)
		return rc;
	if (status && strcmp(status, "open") && strcmp(status, "all"))
		return bad_value(r, "status", "'open' (the default) or 'all'");
	struct jsonw w;
	struct writer k = { .w = &w, .now = clock_now_ms() };
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "requests", '[');
	if (requests_list(r->app->st, status && !strcmp(status, "all") ? REQUESTS_ALL : 0, k.now, write_request,
			  &k) < 0) {
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read the requests");
	}
	jsonw_close(&w, ']');
	jsonw_int(&w, "overdue", k.overdue);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err add_request(struct req *r)
{
	static const struct field spec[] = {
		{ "type", F_STRING, 1 }, { "channel", F_STRING, 1 }, { "requester", F_STRING, 1 },
		{ "user_id", F_STRING, 0 }, { "received_at", F_STRING, 0 }, { 0 }
	};
	struct request_new in = { 0 };
	struct request_error e;
	int64_t id, repeat;
	enum err rc = operator_body(r, spec);
	if (rc)
		return rc;
	in.type = req_str(r, "type");
	in.channel = req_str(r, "channel");
	in.requester = req_str(r, "requester");
	const char *user = req_str(r, "user_id"), *received = req_str(r, "received_at");
	if (user && id_parse(user, &in.user_id))
		return bad_value(r, "user_id", "an account id");
	if (received && clock_parse(received, &in.received_at))
		return bad_value(r, "received_at", "an RFC 3339 time such as 2026-03-01T09:30:00Z");
	if (requests_add(r->app->st, r->app->cfg, r->user_id, &in, &id, &repeat, &e))
		return refused(r, &e);
	return reply_request(r, 201, id);
}

static enum err get_request(struct req *r)
{
	int64_t id;
	enum err rc;
	if ((rc = operator_require(r)) || (rc = path_request(r, &id)))
		return rc;
	return reply_request(r, 200, id);
}

static enum err verify_request(struct req *r)
{
	static const struct field spec[] = { { "at", F_STRING, 0 }, { "failed", F_BOOL, 0 }, { 0 } };
	struct request_error e;
	int64_t id, at = 0, due;
	enum err rc;
	if ((rc = operator_body(r, spec)) || (rc = path_request(r, &id)))
		return rc;
	const char *when = req_str(r, "at");
	if (when && clock_parse(when, &at))
		return bad_value(r, "at", "an RFC 3339 time such as 2026-03-01T09:30:00Z");
	int failed = json_is_true(json_object_get(r->body, "failed"));
	if (requests_verify(r->app->st, r->app->cfg, r->user_id, id, at, failed, &due, &e))
		return refused(r, &e);
	return reply_request(r, 200, id);
}

static enum err answer_request(struct req *r)
{
	static const struct field spec[] = { { "text", F_STRING, 1 }, { 0 } };
	struct request_error e;
	int64_t id;
	enum err rc;
	if ((rc = operator_body(r, spec)) || (rc = path_request(r, &id)))
		return rc;
	if (requests_answer(r->app->st, r->user_id, id, req_str(r, "text"), &e))
		return refused(r, &e);
	return reply_request(r, 200, id);
}

static enum err refuse_request(struct req *r)
{
	static const struct field spec[] = { { "ground", F_STRING, 1 }, { "text", F_STRING, 0 }, { 0 } };
	struct request_error e;
	int64_t id;
	enum err rc;
	if ((rc = operator_body(r, spec)) || (rc = path_request(r, &id)))
		return rc;
	if (requests_refuse(r->app->st, r->user_id, id, req_str(r, "ground"), req_str(r, "text"), &e))
		return refused(r, &e);
	return reply_request(r, 200, id);
}

/* The grounds a refusal may name, worded as the policy words them, in both languages. */
static enum err list_grounds(struct req *r)
{
	const char *lang = req_lang(r);
	enum err rc = operator_require(r);
	if (rc)
		return rc;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "language", lang);
	jsonw_open(&w, "grounds", '[');
	for (const struct request_ground *g = request_grounds; g->id; g++) {
		jsonw_open(&w, NULL, '{');
		jsonw_str(&w, "id", g->id);
		jsonw_str(&w, "promise", g->promise);
		jsonw_bool(&w, "repeat_only", g->repeat_only);
		jsonw_str(&w, "text", !strcmp(lang, "en") ? g->en : g->zh);
		jsonw_open(&w, "i18n", '{');
		jsonw_str(&w, "zh", g->zh);
		jsonw_str(&w, "en", g->en);
		jsonw_close(&w, '}');
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_set_header(r, "content-language", lang);
	req_set_header(r, "vary", "accept-language");
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* Bodies are read by the handlers, after the operator check (no ROUTE_BODY): see operator_body. */
const struct route requests_routes[] = {
	{ "GET", "/api/v1/admin/requests", list_requests, ROUTE_AUTH },
	{ "POST", "/api/v1/admin/requests", add_request, ROUTE_AUTH },
	{ "GET", "/api/v1/admin/requests/{id}", get_request, ROUTE_AUTH },
	{ "POST", "/api/v1/admin/requests/{id}/verify", verify_request, ROUTE_AUTH },
	{ "POST", "/api/v1/admin/requests/{id}/answer", answer_request, ROUTE_AUTH },
	{ "POST", "/api/v1/admin/requests/{id}/refuse", refuse_request, ROUTE_AUTH },
	{ "GET", "/api/v1/admin/request-grounds", list_grounds, ROUTE_AUTH },
	{ 0 }
};
