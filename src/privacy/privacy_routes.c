/* GET /api/v1/privacy/policy: the policy in force, by version. */
#include <jansson.h>
#include "http/req.h"
#include "privacy/privacy.h"

static enum err policy(struct req *r)
{
	size_t len;
	const char *text = policy_text(&len);
	req_json(r, 200, json_pack("{s:s, s:s%}", "version", policy_version(), "text", text, len));
	return ERR_OK;
}

const struct route privacy_routes[] = {
	{ "GET", "/api/v1/privacy/policy", policy, 0 },
	{ 0 }
};
