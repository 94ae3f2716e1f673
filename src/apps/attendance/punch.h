/*
 * Inside the punching part of attendance (punch.c, punch_routes.c): what a punch offers as proof,
 * how it is matched against the group's places and judged by anti-cheating, and how it is kept.
 * Other parts use attendance.h.
 */
#ifndef ATRIUM_APPS_ATTENDANCE_PUNCH_H
#define ATRIUM_APPS_ATTENDANCE_PUNCH_H
#include <stddef.h>
#include <stdint.h>
#include "apps/attendance/attendance.h"
#include "core/geo.h"
#include "core/err.h"
#include "core/jsonw.h"
#include "crypto/keyring.h"
#include "http/loop.h"
#include "http/req.h"
#include "privacy/consent.h"
#include "store/store.h"
#include "store/writer.h"

#define PUNCH_KEY_MAX 128      /* bytes of an idempotency key */
#define PUNCH_NOTE_MAX 500     /* characters of a field punch's note */
#define PUNCH_APPS_MAX 2000    /* installed-app identifiers one punch may carry */
#define PUNCH_APP_ID_MAX 200   /* bytes of one identifier */
#define PUNCH_BLOCKLIST_MAX 500 /* entries of an enterprise's cheating-app list */
#define PUNCH_LOCATION_FIELD "attendance_punches.location" /* what the coordinates are sealed as */

enum punch_kind { PUNCH_LOCATION, PUNCH_WIFI, PUNCH_BOTH, PUNCH_FIELD };

/*
 * What anti-cheating flags; a flagged punch waits for review, never silently rejected.  Bit values
 * are stored (attendance_punches.flags) and never change.
 */
enum punch_flags {
	PUNCH_FLAG_FIELD = 1 << 0,         /* outside every place, as the rule allows */
	PUNCH_FLAG_MOCK_LOCATION = 1 << 1, /* the phone says a mock-location provider is on */
	PUNCH_FLAG_ROOTED = 1 << 2,        /* the phone says it is rooted or jailbroken */
	PUNCH_FLAG_SPEED = 1 << 3,         /* faster than max_speed_kmh since the last located punch */
	PUNCH_FLAG_ACCURACY = 1 << 4,      /* the location is less accurate than max_accuracy_m */
	PUNCH_FLAG_CLOCK_SKEW = 1 << 5,    /* the phone's clock is further than clock_skew_s from ours */
	PUNCH_FLAG_CHEATING_APP = 1 << 6,  /* an app of the enterprise's list is installed */
	PUNCH_FLAG_WIFI_CHOSEN = 1 << 7,   /* the person chose the network; the device did not read it (a browser) */
};
#define PUNCH_FLAGS_COUNT 8

/* "field", "mock_location", … for bit i (0 to PUNCH_FLAGS_COUNT - 1). */
extern const char *const punch_flag_names[PUNCH_FLAGS_COUNT];
const char *punch_kind_name(enum punch_kind kind);
/* 0 and *kind, or -1 for a name of no kind. */
int punch_kind_parse(const char *name, enum punch_kind *kind /* OUT */);

/* What a punch offers, as the client sent it (coordinates already converted to WGS-84). */
struct punch_proof {
	int has_location;
	double latitude, longitude; /* WGS-84 */
	double accuracy_m;          /* < 0: not given */
	int has_wifi;
	char ssid[33];
	char bssid[18];             /* lowercase aa:bb:cc:dd:ee:ff, or "" */
};

/* Where a punch stands among its group's places. */
struct punch_match {
	int64_t place_id;  /* 0: inside none */
	int by_wifi;       /* matched by the Wi-Fi network, not the location */
	int distance_m;    /* metres to the matched geofence, else to the nearest one; -1 when unknown */
};

/*
 * Matches proof against the places: inside a geofence (distance to its centre at most its
 * radius; the nearest such one wins), else on a listed Wi-Fi network (by BSSID when the place
 * names one, else by SSID).  Returns 1 when matched, 0 when outside every place; *out either way.
 */
int punch_match(const struct punch_proof *proof, const struct att_place *places, size_t n,
		struct punch_match *out /* OUT */);

/* Normalises a BSSID to lowercase aa:bb:cc:dd:ee:ff (also from '-' separators): 0, or -1. */
int punch_bssid_normal(const char *in, char out[18] /* OUT */);

/* The last located punch before, as the speed check needs it. */
struct punch_prev {
	int64_t at;
	double latitude, longitude, accuracy_m;
};

/*
 * The flags the server judges by rule: speed since prev (NULL: none; movement within both
 * accuracies is taken as none), accuracy, and the skew of client_ms from now.  A rule setting of
 * 0 or less judges nothing.
 */
unsigned punch_judge(const struct att_rule *rule, const struct punch_proof *proof, const struct punch_prev *prev,
		     int64_t now, int64_t client_ms);

/*
 * Whether any of the identifiers the phone sent (apps, n of them) is on the list: an entry is
 * named by the identifier itself, or by the lowercase hex SHA-256 of it, for phones that send
 * hashes.  1 or 0.  Matched in memory; the caller keeps nothing of the apps.
 */
int punch_apps_blocked(const char *const *apps, size_t n, const char *const *list, size_t nlist);

/*
 * Parses an RFC 3339 time with "Z" or a numeric offset ("2026-03-02T08:00:00+08:00"), with or
 * without fractions of a second, into Unix milliseconds.  0 or -1.
 */
int punch_time_parse(const char *s, int64_t *ms /* OUT */);

/* The coordinates as sealed ({"latitude","longitude","accuracy_m"}): into buf, 0; or -1. */
int punch_location_text(const struct punch_proof *proof, char *buf, size_t len);
/* And back (accuracy -1 when absent): 0, or -1 when it is not such a text. */
int punch_location_parse(const char *text, double *lat, double *lng, double *accuracy);

/* The last punch of uid in eid with coordinates still kept, opened: 1, 0 when none (or none
 * readable: the key is gone), -1. */
int punch_prev_located(struct store *st, const struct keyring *kr, int64_t eid, int64_t uid,
		       struct punch_prev *out /* OUT */);

/* The enterprise's cheating-app list into a malloc'ed array of malloc'ed strings (*n of them);
 * punch_list_free() frees it.  0 or -1. */
int punch_blocklist_get(struct store *st, int64_t eid, char ***list /* OUT */, size_t *n /* OUT */);
void punch_list_free(char **list, size_t n);

/* The review state stored as name, and back (-1 for no such name). */
const char *punch_review_name(enum att_review review);
int punch_review_parse(const char *name);

/* ---- one punch as the API shows it (punch.c) ---- */

#define PUNCH_COLUMNS \
	"SELECT id, user_id, kind, punched_at, day, client_time, device_id, place_id, matched_by, distance_m," \
	" location_sealed IS NOT NULL, location_expires_at, flags, note, photo_file_id, review, reviewed_by," \
	" reviewed_at FROM attendance_punches"

enum punch_view { PUNCH_VIEW_OWN, PUNCH_VIEW_ADMIN };

/* Writes the punch at the row of s (selected with PUNCH_COLUMNS) as view shows it: the person
 * sees their device id, an administrator the person's name (a pseudonym once they left).
 * apps_checked (0 or 1) is said only in the reply to the punch itself (-1: not said): whether the
 * app list was looked at, under its consent. */
void punch_write_row(struct store *st, const struct keyring *kr, int64_t eid, struct store_stmt *s, enum punch_view view,
		     int apps_checked, struct jsonw *w);
/* Reads punch pid of eid and writes it as punch_write_row() does: 0, or -1 when there is none. */
int punch_render(struct store *st, const struct keyring *kr, int64_t eid, int64_t pid, enum punch_view view,
		 int apps_checked, struct jsonw *w);

/* ---- storing a punch (punch_write.c) ---- */

/* uid's bound device into dev: 1, 0 when none is bound yet, -1. */
int punch_bound_device(struct store *st, int64_t eid, int64_t uid, char dev[CONSENT_DEVICE_LEN] /* OUT */);
/* Binds dev to uid (replacing the device bound before): 0 or -1. */
int punch_bind_device(struct store *st, int64_t eid, int64_t uid, const char *dev, int64_t now);
/* Recomputes uid's day (and the one before, when a shift of rule crosses midnight; rule may be
 * NULL) after a punch of it changed: 0 or -1. */
int punch_recompute(struct store *st, int64_t eid, int64_t uid, const char *day, const struct att_rule *rule);
/* The punch uid made with idempotency key `key` in eid, or 0. */
int64_t punch_by_key(struct store *st, int64_t eid, int64_t uid, const char *key);

/*
 * A punch the route has read, matched, judged and sealed, handed to the writer (store/writer.h).
 * In the writer's transaction it is looked up by its key (a retry answers the punch made
 * before), the consents its proofs stand on are checked again — so a revocation that came after
 * the route's check still wins — the device is checked against the bound one (bound on the first
 * punch, rebound within the rule's monthly allowance), the punch stored and the day recomputed.
 * After the commit the client gets the answer on the loop the request came from.
 */
struct punch_write {
	struct writer_item item; /* first: the writer's view */
	const struct keyring *kr;
	int64_t eid, uid, now, client_ms, place_id, photo, location_expires_at;
	struct att_rule rule;
	int offset;              /* the enterprise's zone, seconds east of UTC */
	enum punch_kind kind;
	const char *matched_by;  /* "location", "wifi", or NULL outside every place */
	int distance_m;          /* -1: unknown */
	unsigned flags;
	int apps_checked;
	const char *purposes[2]; /* the consents the proofs stand on (NULL: none) */
	char key[PUNCH_KEY_MAX + 1], device[CONSENT_DEVICE_LEN], day[ATT_DAY_LEN];
	char *note;              /* malloc'ed, or NULL */
	uint8_t *sealed;         /* the coordinates, sealed for the person (malloc'ed), or NULL */
	size_t sealed_len;

	/* the outcome */
	enum err err;
	const char *detail, *purpose; /* purpose: of a consent found missing in the transaction */
	int status;              /* 201 stored, 200 a retry of a stored punch */
	char *reply;             /* the punch as the API shows it (malloc'ed) */
	size_t reply_len;

	struct loop *loop;       /* the answer goes out on this loop's thread */
	struct req_later *later;
};

/* Queues p (taken: freed once answered). */
void punch_write_submit(struct punch_write *p);

#endif
