/*
 * Sending a message through the writer (store/writer.h): the route fills an im_send and submits
 * it; in the writer's batch it is stored (a retry of a client_id is found, not stored twice);
 * after the commit the new message is pushed to the members' devices through the hub and the send
 * goes back to the loop it came from, where the sender gets the answer.  So an acknowledged
 * message has been committed: it survives kill -9.
 */
#ifndef ATRIUM_APPS_IM_WRITER_H
#define ATRIUM_APPS_IM_WRITER_H
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "crypto/keyring.h"
#include "http/loop.h"
#include "store/writer.h"

#define IM_CLIENT_ID_MAX 64

/* One send.  The route fills the first part on its loop; the writer the second. */
struct im_send {
	struct writer_item item;              /* first: the writer's view of the send */
	const struct keyring *kr;
	int64_t eid, cid, sender;
	char client_id[IM_CLIENT_ID_MAX + 1]; /* "" for none */
	const char *kind;                     /* a static string */
	char *body;                           /* the content as JSON text (malloc'ed; freed with the send) */
	int64_t reply_to;                     /* a seq of the conversation, 0 for none */
	int64_t mentions[64];                 /* user ids mentioned; 0 means @all */
	size_t nmentions;
	int64_t files[9];                     /* files the message carries */
	size_t nfiles;
	char *text;                           /* plain text for search, or NULL (malloc'ed) */

	/* the outcome, when done() runs */
	enum err err;
	const char *detail;
	int duplicate;    /* a retry: the message stored before */
	char *message;    /* the message as clients see it (JSON text, malloc'ed) */
	size_t message_len;

	struct loop *loop;                    /* done(s) runs on this loop's thread */
	void (*done)(struct im_send *s);
	void *ctx;
};

/* Queues s (any thread).  Before the writer runs or after it stopped, s fails at once with
 * service_unavailable, on s->loop. */
void im_writer_submit(struct im_send *s);
/* Frees s and what it holds. */
void im_send_free(struct im_send *s);

#endif
