/*
 * Rights requests that come another way than the app (PP-39 … PP-42): by e-mail, phone, post or
 * in person.  The operator records each one, verifies the requester's identity, which starts the
 * clock of the answer (PP-40), and answers it or refuses it on a named ground (PP-41, PP-42).
 * Every change appends an entry to the audit chain; overdue requests are warned about daily.
 */
#ifndef ATRIUM_PRIVACY_REQUESTS_H
#define ATRIUM_PRIVACY_REQUESTS_H
#include <stddef.h>
#include <stdint.h>
#include "core/config.h"
#include "core/err.h"
#include "store/store.h"

#define REQUEST_DAY_MS (24LL * 3600 * 1000)
/* A request due within this many days counts as nearly due. */
#define REQUEST_NEAR_DAYS 3
#define REQUEST_REQUESTER_MAX 500
#define REQUEST_ANSWER_MAX 8000

/*
 * A ground on which a request may be refused, in the words of the policy: the four kinds of
 * unreasonable request of PP-41 and the five circumstances of PP-42.  repeat_only: the ground
 * holds only for a request flagged as a repeat.
 */
struct request_ground {
	const char *id, *promise, *zh, *en;
	int repeat_only;
};
/* Every ground, terminated by a NULL id. */
extern const struct request_ground request_grounds[];
/* The ground with this id, or NULL. */
const struct request_ground *requests_ground(const char *id);

/* Checks request-due-days (1 to 15: PP-40) and request-repeat-days; 0, or -1 with a message. */
int requests_check_config(const struct config *cfg, char *err, size_t errlen);

/* A request as recorded.  Strings belong to the store's statement: valid during a callback. */
struct request {
	int64_t id, user_id;                     /* user_id 0: no account linked */
	const char *type, *channel, *requester;
	const char *identity;                    /* "unverified", "verified", "failed" */
	int64_t received_at, verified_at, due_at; /* 0: not (yet) */
	const char *status;                      /* "open", "answered", "refused" */
	const char *answer, *ground;             /* "" when none */
	int64_t answered_at, repeat_of;          /* 0: not (yet), not a repeat */
};

/* What requests_add needs; user_id 0 links no account, received_at 0 means now. */
struct request_new {
	const char *type, *channel, *requester;
	int64_t user_id, received_at;
};

/*
 * How a call below failed, for the operator's command line and the admin API alike: the API's
 * error code (ERR_INVALID_VALUE, ERR_REQUEST_NOT_FOUND, ERR_REQUEST_CLOSED,
 * ERR_IDENTITY_NOT_VERIFIED, ERR_IDENTITY_ALREADY_VERIFIED, ERR_UNAVAILABLE, ERR_INTERNAL), with
 * ERR_INVALID_VALUE the input at fault under its API name (type, channel, requester, user_id,
 * received_at, at, text, ground; NULL with the other codes), and the message.
 */
struct request_error {
	enum err code;
	const char *field;
	char text[512];
};

/*
 * The functions below that change a request append an audit entry in the same transaction, with
 * actor the user id of the platform operator who made the change through the admin API, or 0
 * for the operator at the machine (`atrium admin requests`), and subject the linked account.
 */

/*
 * Records a new request, unverified and with no due date.  type is one of access, correction,
 * deletion, cancellation, other; channel one of email, phone, post, in_person, other; requester
 * the name and contact as given (UTF-8, no control characters).  It is flagged as a repeat of the
 * latest earlier request of the same type by the same requester (same linked account, or the same
 * requester text ignoring case and spacing) received within request-repeat-days before it.
 * Returns 0 with the new id and the repeated id (0: none), or -1 with *e filled; nothing is
 * stored then.
 */
int requests_add(struct store *st, const struct config *cfg, int64_t actor, const struct request_new *in,
		 int64_t *id /* OUT */, int64_t *repeat_of /* OUT */, struct request_error *e /* OUT */);

/*
 * Records the outcome of checking the requester's identity at time at (0: now; not before the
 * request was received, not in the future).  Verified starts the clock: due at + request-due-days.
 * Failed leaves it stopped; a later verification may follow.  Returns 0 with the due date (0 when
 * failed), or -1 with *e filled (unknown id, closed, already verified, a bad time).
 */
int requests_verify(struct store *st, const struct config *cfg, int64_t actor, int64_t id, int64_t at, int failed,
		    int64_t *due_at /* OUT */, struct request_error *e /* OUT */);

/*
 * Closes an open request with an answer (text required).  The identity must have been checked
 * first (verified, or failed: then the answer says so).  0, or -1 with *e filled.
 */
int requests_answer(struct store *st, int64_t actor, int64_t id, const char *text, struct request_error *e /* OUT */);

/*
 * Closes an open request as refused on ground (an id of request_grounds; the repeat ground only
 * for a request flagged as a repeat), with optional text.  No valid ground, no refusal: -1 with a
 * message naming the valid ones.  0 otherwise.
 */
int requests_refuse(struct store *st, int64_t actor, int64_t id, const char *ground, const char *text,
		    struct request_error *e /* OUT */);

/* Calls fn with request id.  0 found, 1 no such request, -1 the store failed. */
int requests_get(struct store *st, int64_t id, void (*fn)(const struct request *r, void *arg), void *arg);

enum requests_list_flags {
	REQUESTS_DUE_SOON = 1 << 0, /* only those overdue or due within REQUEST_NEAR_DAYS of now */
	REQUESTS_ALL = 1 << 1,      /* closed ones too, after the open ones, latest closed first */
};

/*
 * Calls fn for each open request: those with a due date first, soonest due first, then those
 * whose identity is not verified yet, oldest first (REQUESTS_ALL: then the closed ones).  Returns
 * the number listed, or -1.
 */
int requests_list(struct store *st, enum requests_list_flags flags, int64_t now,
		  void (*fn)(const struct request *r, void *arg), void *arg);

/*
 * Counts the open requests whose due date has passed at now, writing up to max of their ids
 * (soonest due first) into ids.  Returns the count, or -1.
 */
int requests_overdue(struct store *st, int64_t now, int64_t *ids, int max);

/*
 * Prints "atrium: WARNING: N rights request(s) overdue: ids …" to stderr when any is overdue.
 * Returns the number overdue, or -1 (said on stderr too).
 */
int requests_warn_overdue(struct store *st, int64_t now);

/* The state of the privacy clock between rounds of the job runner. */
struct requests_clock {
	const struct config *cfg;          /* must outlive the runner */
	int64_t next_check, next_sweep;    /* monotonic ms; 0: at the next round */
};

/*
 * The server's privacy clock, a job of the runner (jobs/jobs.h; arg is a struct requests_clock):
 * warns about overdue requests at its first round and every day after, and applies the retention
 * rules (privacy/retention.h) at its first round and every hour after, in batches that stop early
 * when stopping() says so.  Returns 0, or -1 after saying why on stderr (retried next round).
 */
int requests_clock_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void));

#endif
