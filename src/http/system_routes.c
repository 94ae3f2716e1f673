/* GET /api/v1/health: is the server up and does its database answer. */
#include <jansson.h>
#include "http/req.h"
#include "version.h"

static enum err health(struct req *r)
{
	int db = store_ping(r->app->st) == 0;
	req_json(r, db ? 200 : 503, json_pack("{s:s, s:s, s:s}", "status", db ? "ok" : "degraded",
					      "version", ATRIUM_VERSION, "database", db ? "ok" : "unreachable"));
	return ERR_OK;
}

const struct route system_routes[] = {
	{ "GET", "/api/v1/health", health, 0 },
	{ 0 }
};
