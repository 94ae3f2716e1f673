/*
 * Notifications: SMS and e-mail through a configured provider, and in-app records.
 * Providers: "outbox" appends one JSON line per message to <data>/outbox/{sms,email}.jsonl
 * (development and tests read codes there); "http" POSTs {"to","text"} to a URL and "smtp"
 * sends mail, both from a background thread so no event loop waits on the network.
 */
#ifndef ATRIUM_NOTIFY_NOTIFY_H
#define ATRIUM_NOTIFY_NOTIFY_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/config.h"
#include "store/store.h"

struct notify;

/* Sets up the providers the config names; NULL with a message in err when it names no such one. */
struct notify *notify_new(const struct config *cfg, char *err, size_t errlen);
/* Sends what is queued, then stops the background thread and frees. */
void notify_free(struct notify *n);
/* Path of the SMS outbox file (for the start-up banner). */
const char *notify_sms_outbox(const struct notify *n);

/*
 * Sends an SMS to an E.164 number.  kind is "code" or an event ("new_sign_in"); purpose and code
 * are NULL unless kind is "code".  Returns 0 once the message is written or queued, -1 if not.
 */
int notify_sms(struct notify *n, const char *to, const char *kind, const char *purpose,
	       const char *code, const char *text);
/* The same for e-mail, with a subject. */
int notify_email(struct notify *n, const char *to, const char *kind, const char *purpose,
		 const char *code, const char *subject, const char *text);

/*
 * Strikes from the outbox files every line that holds one of the n strings (an erased person's
 * number or address).  Appends wait while it rewrites.  0 or -1.
 */
int notify_forget(struct notify *n, const char *const *strings, int count);

/* Stores an in-app notification for user; 0 or -1. */
int notify_inapp(struct store *st, int64_t user, const char *kind, const char *title,
		 const char *body, int64_t at);
/*
 * Lists user's notifications newest first, at most limit, older than cursor (0: from the newest),
 * as a JSON array of objects; *next gets the cursor of the next page or 0.
 */
json_t *notify_list(struct store *st, int64_t user, int64_t cursor, int limit, int64_t *next /* OUT */);

#endif
