/* Punching: matching a punch against the places, the anti-cheating flags, and reading punches back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>
#include "apps/attendance/punch.h"
#include "apps/im/file.h"
#include "apps/org/member.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/mem.h"
#include "privacy/privacy.h"
#include "core/banned.h"

const char *const punch_flag_names[PUNCH_FLAGS_COUNT] = {
	"field", "mock_location", "rooted", "implausible_speed", "low_accuracy", "clock_skew", "cheating_app",
	"wifi_chosen",
};

static const char *const kind_names[] = { "location", "wifi", "both", "field" };

const char *punch_kind_name(enum punch_kind kind)
{
	return (unsigned)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "?";
}

int punch_kind_parse(const char *name, enum punch_kind *kind)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (!strcmp(kind_names[i], name)) {
			*kind = (enum punch_kind)i;
			return 0;
		}
	}
	return -1;
}

static const char *const review_names[] = { "none", "pending", "accepted", "rejected" };

const char *punch_review_name(enum att_review review)
{
	return (unsigned)review < sizeof(review_names) / sizeof(review_names[0]) ? review_names[review] : "none";
}

int punch_review_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(review_names) / sizeof(review_names[0]); i++)
		if (!strcmp(review_names[i], name))
			return (int)i;
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int punch_bssid_normal(const char *in, char out[18])
{
	static const char hex[] = "0123456789abcdef";
	if (strlen(in) != 17)
		return -1;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (in[i] != ':' && in[i] != '-')
				return -1;
			out[i] = ':';
			continue;
		}
		int v = hexval(in[i]);
		if (v < 0)
			return -1;
		out[i] = hex[v];
	}
	out[17] = '\0';
	return 0;
}

int punch_match(const struct punch_proof *proof, const struct att_place *places, size_t n, struct punch_match *out)
{
	double nearest = -1, best = -1;
	out->place_id = 0;
	out->by_wifi = 0;
	out->distance_m = -1;
	if (proof->has_location) {
		for (size_t i = 0; i < n; i++) {
			const struct att_place *p = &places[i];
			if (p->wifi)
				continue;
			double d = geo_distance_m(proof->latitude, proof->longitude, p->latitude, p->longitude);
			if (nearest < 0 || d < nearest)
				nearest = d;
			if (d <= p->radius_m && (best < 0 || d < best)) {
				best = d;
				out->place_id = p->id;
			}
		}
		if (nearest >= 0)
			out->distance_m = (int)lround(best >= 0 ? best : nearest);
		if (out->place_id)
			return 1;
	}
	if (proof->has_wifi) {
		for (size_t i = 0; i < n; i++) {
			const struct att_place *p = &places[i];
			if (!p->wifi)
				continue;
			/* A BSSID names one router; an SSID alone any network of that name, so a place that
			 * lists a BSSID is matched by it and nothing else. */
			int hit = p->bssid[0] ? proof->bssid[0] && !strcmp(p->bssid, proof->bssid)
					      : p->ssid[0] && !strcmp(p->ssid, proof->ssid);
			if (hit) {
				out->place_id = p->id;
				out->by_wifi = 1;
				return 1;
			}
		}
	}
	return 0;
}

unsigned punch_judge(const struct att_rule *rule, const struct punch_proof *proof, const struct punch_prev *prev,
		     int64_t now, int64_t client_ms)
{
	unsigned flags = 0;
	if (proof->has_location) {
		if (rule->max_accuracy_m > 0 && proof->accuracy_m > rule->max_accuracy_m)
			flags |= PUNCH_FLAG_ACCURACY;
		if (prev && rule->max_speed_kmh > 0) {
			/* Two fixes each within their accuracy may lie that far apart without anyone
			 * moving: only the movement beyond both counts. */
			double d = geo_distance_m(prev->latitude, prev->longitude, proof->latitude, proof->longitude);
			d -= (prev->accuracy_m > 0 ? prev->accuracy_m : 0) + (proof->accuracy_m > 0 ? proof->accuracy_m : 0);
			double hours = (double)(now - prev->at) / 3600000.0;
			if (d > 0 && (hours <= 0 || d / 1000.0 > rule->max_speed_kmh * hours))
				flags |= PUNCH_FLAG_SPEED;
		}
	}
	int64_t skew = client_ms - now;
	if (rule->clock_skew_s > 0 && (skew > rule->clock_skew_s * 1000LL || -skew > rule->clock_skew_s * 1000LL))
		flags |= PUNCH_FLAG_CLOCK_SKEW;
	return flags;
}

int punch_apps_blocked(const char *const *apps, size_t n, const char *const *list, size_t nlist)
{
	if (!n || !nlist)
		return 0;
	/* The list's hashes once, then every identifier against both forms. */
	char (*hashes)[crypto_hash_sha256_BYTES * 2 + 1] = xmalloc(sizeof(*hashes) * nlist);
	for (size_t j = 0; j < nlist; j++) {
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, (const unsigned char *)list[j], strlen(list[j]));
		sodium_bin2hex(hashes[j], sizeof(hashes[j]), h, sizeof(h));
	}
	int hit = 0;
	for (size_t i = 0; i < n && !hit; i++)
		for (size_t j = 0; j < nlist && !hit; j++)
			hit = !strcmp(apps[i], list[j]) || !strcmp(apps[i], hashes[j]);
	free(hashes);
	return hit;
}

static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int punch_time_parse(const char *s, int64_t *ms)
{
	char utc[40];
	size_t n = strlen(s), end = 19;
	if (n < 20 || n >= sizeof(utc))
		return -1;
	if (s[end] == '.')
		for (end++; end < n && s[end] >= '0' && s[end] <= '9'; end++)
			;
	const char *zone = s + end;
	int offset = 0;
	if (!strcmp(zone, "Z") || !strcmp(zone, "z")) {
		offset = 0;
	} else if ((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 6 && zone[3] == ':') {
		int h = two_digits(zone + 1), m = two_digits(zone + 4);
		if (h < 0 || h > 23 || m < 0 || m > 59)
			return -1;
		offset = (h * 60 + m) * (zone[0] == '-' ? -1 : 1);
	} else {
		return -1;
	}
	snprintf(utc, sizeof(utc), "%.*sZ", (int)end, s);
	if (clock_parse(utc, ms))
		return -1;
	*ms -= (int64_t)offset * 60000;
	return 0;
}

int punch_location_text(const struct punch_proof *proof, char *buf, size_t len)
{
	int n = snprintf(buf, len, "{\"latitude\":%.7f,\"longitude\":%.7f,\"accuracy_m\":%.1f}", proof->latitude,
			 proof->longitude, proof->accuracy_m);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

int punch_location_parse(const char *text, double *lat, double *lng, double *accuracy)
{
	json_t *o = json_loads(text, 0, NULL), *a;
	int rc = -1;
	if (o && json_is_number(json_object_get(o, "latitude")) && json_is_number(json_object_get(o, "longitude"))) {
		*lat = json_number_value(json_object_get(o, "latitude"));
		*lng = json_number_value(json_object_get(o, "longitude"));
		a = json_object_get(o, "accuracy_m");
		*accuracy = json_is_number(a) ? json_number_value(a) : -1;
		rc = 0;
	}
	json_decref(o);
	return rc;
}

int punch_prev_located(struct store *st, const struct keyring *kr, int64_t eid, int64_t uid, struct punch_prev *out)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT punched_at, location_sealed FROM attendance_punches"
		" WHERE enterprise_id = ? AND user_id = ? AND location_sealed IS NOT NULL"
		" ORDER BY punched_at DESC, id DESC LIMIT 1");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	enum store_rc rc = store_step(s);
	if (rc != STORE_ROW) {
		store_reset(s);
		return rc == STORE_DONE ? 0 : -1;
	}
	size_t len;
	const void *sealed = store_col_blob(s, 1, &len);
	out->at = store_col_int(s, 0);
	uint8_t *copy = xmalloc(len ? len : 1);
	memcpy(copy, sealed, len);
	store_reset(s);
	/* Opening reads the key with another statement: the row's bytes were copied out first. */
	char *text = subject_open(st, kr, uid, PUNCH_LOCATION_FIELD, copy, len);
	free(copy);
	int found = text && !punch_location_parse(text, &out->latitude, &out->longitude, &out->accuracy_m);
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	return found;
}

int punch_blocklist_get(struct store *st, int64_t eid, char ***list, size_t *n)
{
	size_t cap = 16;
	*n = 0;
	*list = xmalloc(sizeof(**list) * cap);
	struct store_stmt *s = store_prepare(st,
		"SELECT app_id FROM attendance_app_blocklist WHERE enterprise_id = ? ORDER BY app_id");
	store_bind_int(s, 1, eid);
	enum store_rc rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (*n == cap) {
			cap *= 2;
			*list = xrealloc(*list, sizeof(**list) * cap);
		}
		(*list)[(*n)++] = xstrdup(store_col_text(s, 0));
	}
	store_reset(s);
	if (rc != STORE_DONE) {
		punch_list_free(*list, *n);
		*list = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void punch_list_free(char **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

int att_punches_between(struct store *st, int64_t eid, int64_t uid, int64_t from, int64_t to,
			struct att_punch *out, size_t max)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT id, punched_at, place_id, flags, review FROM attendance_punches"
		" WHERE enterprise_id = ? AND user_id = ? AND punched_at >= ? AND punched_at < ? AND review <> 'rejected'"
		" ORDER BY punched_at, id");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_int(s, 3, from);
	store_bind_int(s, 4, to);
	size_t n = 0;
	enum store_rc rc = STORE_DONE;
	while (n < max && (rc = store_step(s)) == STORE_ROW) {
		struct att_punch *p = &out[n++];
		p->id = store_col_int(s, 0);
		p->at = store_col_int(s, 1);
		p->place_id = store_col_int(s, 2);
		p->field = store_col_is_null(s, 2);
		p->flags = (unsigned)store_col_int(s, 3);
		int review = punch_review_parse(store_col_text(s, 4));
		p->review = review < 0 ? ATT_REVIEW_NONE : (enum att_review)review;
	}
	if (n == max)
		rc = STORE_DONE; /* as many as the caller takes */
	store_reset(s);
	return rc == STORE_DONE ? (int)n : -1;
}

void punch_write_row(struct store *st, const struct keyring *kr, int64_t eid, struct store_stmt *s, enum punch_view view,
		     int apps_checked, struct jsonw *w)
{
	unsigned flags = (unsigned)store_col_int(s, 12);
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", store_col_int(s, 0));
	if (view == PUNCH_VIEW_ADMIN)
		org_write_person(st, kr, eid, store_col_int(s, 1), "user", w);
	else
		jsonw_id(w, "user_id", store_col_int(s, 1));
	jsonw_str(w, "kind", store_col_text(s, 2));
	jsonw_time(w, "punched_at", store_col_int(s, 3));
	jsonw_str(w, "day", store_col_text(s, 4));
	jsonw_time(w, "client_time", store_col_int(s, 5));
	/* The device id is the person's own device data: shown to them, not to administrators,
	 * who only need to know that the bound device punched (every stored punch did). */
	if (view == PUNCH_VIEW_OWN)
		jsonw_str(w, "device_id", store_col_text(s, 6));
	jsonw_ref(w, "place_id", store_col_int(s, 7));
	if (store_col_is_null(s, 8))
		jsonw_null(w, "matched_by");
	else
		jsonw_str(w, "matched_by", store_col_text(s, 8));
	jsonw_bool(w, "field", store_col_is_null(s, 7));
	if (store_col_is_null(s, 9))
		jsonw_null(w, "distance_m");
	else
		jsonw_int(w, "distance_m", store_col_int(s, 9));
	jsonw_open(w, "flags", '[');
	for (int i = 0; i < PUNCH_FLAGS_COUNT; i++)
		if (flags & (1u << i))
			jsonw_str(w, NULL, punch_flag_names[i]);
	jsonw_close(w, ']');
	jsonw_bool(w, "location_kept", (int)store_col_int(s, 10));
	if (store_col_int(s, 10))
		jsonw_time(w, "location_expires_at", store_col_int(s, 11));
	else
		jsonw_null(w, "location_expires_at");
	if (store_col_is_null(s, 13))
		jsonw_null(w, "note");
	else
		jsonw_str(w, "note", store_col_text(s, 13));
	jsonw_ref(w, "photo_file_id", store_col_int(s, 14));
	jsonw_str(w, "review", store_col_text(s, 15));
	jsonw_ref(w, "reviewed_by", store_col_int(s, 16));
	if (store_col_is_null(s, 17))
		jsonw_null(w, "reviewed_at");
	else
		jsonw_time(w, "reviewed_at", store_col_int(s, 17));
	if (apps_checked >= 0)
		jsonw_bool(w, "apps_checked", apps_checked);
	jsonw_close(w, '}');
}

int punch_render(struct store *st, const struct keyring *kr, int64_t eid, int64_t pid, enum punch_view view,
		 int apps_checked, struct jsonw *w)
{
	struct store_stmt *s = store_prepare(st, PUNCH_COLUMNS " WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, pid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return -1;
	}
	punch_write_row(st, kr, eid, s, view, apps_checked, w);
	store_reset(s);
	return 0;
}

/* A field punch's photo, for an administrator with the attendance right over its puncher. */
static int photo_reader(struct store *st, int64_t eid, int64_t fid, int64_t uid)
{
	struct org_member me;
	int found = org_member_get(st, eid, uid, &me);
	if (found <= 0 || !org_allows(&me, ORG_RIGHT_ATTENDANCE))
		return found < 0 ? -1 : 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id FROM attendance_punches WHERE enterprise_id = ? AND photo_file_id = ? LIMIT 1");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, fid);
	enum store_rc rc = store_step(s);
	int64_t owner = rc == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : -1;
	return me.scope_all ? 1 : member_in_scope(st, &me, owner);
}

void att_init(void)
{
	file_add_reader(photo_reader);
}
