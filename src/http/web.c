/* The embedded web client: see web.h. */
#include <stdlib.h>
#include <string.h>
#include "http/web.h"
#include "core/banned.h"

/*
 * What the client's pages may do: their own scripts and styles, images and fonts from here (and
 * from data: and the blobs the client makes of photos it shows before sending), the API and its
 * WebSocket here, no framing, no plug-ins.
 */
#define PAGE_CSP \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:;" \
	" media-src 'self' blob:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none';" \
	" base-uri 'none'; form-action 'self'; object-src 'none'"

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" }, { ".json", "application/json" },
	{ ".webmanifest", "application/manifest+json" }, { ".svg", "image/svg+xml" },
	{ ".png", "image/png" }, { ".ico", "image/x-icon" }, { ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static const struct web_file *find(const char *path, size_t len)
{
	for (unsigned i = 0; i < web_files_count; i++)
		if (strlen(web_files[i].path) == len && !memcmp(web_files[i].path, path, len))
			return &web_files[i];
	return NULL;
}

int web_wanted(const char *method, size_t method_len, const char *path, size_t path_len)
{
	int get = (method_len == 3 && !memcmp(method, "GET", 3)) || (method_len == 4 && !memcmp(method, "HEAD", 4));
	return get && !(path_len >= 4 && !memcmp(path, "/api", 4) && (path_len == 4 || path[4] == '/'));
}

/* Whether the header (a list like "gzip, br" or "*") names token. */
static int lists(const char *header, const char *token)
{
	size_t n = strlen(token);
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!strncmp(p, token, n) && (!p[n] || p[n] == ',' || p[n] == ';' || p[n] == ' ')) {
			const char *q = p + n + strspn(p + n, " ;");
			return strncmp(q, "q=", 2) || strtod(q + 2, NULL) > 0; /* "gzip;q=0" refuses it */
		}
		p = strchr(p, ',');
	}
	return 0;
}

enum err web_serve(struct req *r)
{
	size_t len;
	const char *path = req_path(r, &len);
	if (len == 1)
		path = "/index.html", len = 11;
	const struct web_file *f = find(path, len);
	if (!f) {
		/* A path of the client's router has no file type in its last segment. */
		size_t last = len;
		while (last > 0 && path[last - 1] != '/')
			last--;
		if (memchr(path + last, '.', len - last) || !(f = find("/index.html", 11)))
			return req_fail(r, ERR_NOT_FOUND, "no such file");
	}
	const char *type = type_of(f->path);
	int page = !strncmp(type, "text/html", 9);
	req_set_header(r, "cache-control", !strncmp(f->path, "/assets/", 8) ? "public, max-age=31536000, immutable" : "no-cache");
	req_set_header(r, "etag", f->etag);
	req_set_header(r, "vary", "accept-encoding");
	req_set_header(r, "x-content-type-options", "nosniff");
	if (page) {
		req_set_header(r, "content-security-policy", PAGE_CSP);
		req_set_header(r, "referrer-policy", "no-referrer");
		req_set_header(r, "permissions-policy", "geolocation=(self), microphone=(self), camera=(self)");
	}
	const char *match = req_header(r, "if-none-match");
	if (match && (lists(match, f->etag) || !strcmp(match, "*"))) {
		req_send_static(r, 304, NULL, NULL, 0, NULL);
		return ERR_OK;
	}
	const char *accept = req_header(r, "accept-encoding");
	if (f->gz && accept && lists(accept, "gzip"))
		req_send_static(r, 200, type, f->gz, f->gz_len, "gzip");
	else
		req_send_static(r, 200, type, f->data, f->len, NULL);
	return ERR_OK;
}
