/* GET /api/v1/health: is the server up and does its database answer. */
#include <jansson.h>
#include "core/clock.h"
#include "http/req.h"
#include "version.h"

static enum err health(struct req *r)
{
	/* Probes and load balancers ask many times a second: the database is asked at most once a
	 * second per loop, and the answer is never older than that. */
	int64_t now = clock_now_ms();
	if (now - r->app->health_checked_at >= 1000) {
		r->app->health_db_ok = store_ping(r->app->st) == 0;
		r->app->health_checked_at = now;
	}
	static const char ok[] = "{\"status\":\"ok\",\"version\":\"" ATRIUM_VERSION "\",\"database\":\"ok\"}";
	static const char bad[] =
		"{\"status\":\"degraded\",\"version\":\"" ATRIUM_VERSION "\",\"database\":\"unreachable\"}";
	if (r->app->health_db_ok)
		req_json_text(r, 200, ok, sizeof(ok) - 1);
	else
		req_json_text(r, 503, bad, sizeof(bad) - 1);
	return ERR_OK;
}

const struct route system_routes[] = {
	{ "GET", "/api/v1/health", health, 0 },
	{ 0 }
};
