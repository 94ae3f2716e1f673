/*
 * The writer: one thread that stores bursts of writes in batches (DESIGN §6).  Loops hand it
 * items (a chat message, a punch); it takes every item queued while its last commit ran, runs
 * each one's store() inside one transaction, each in a savepoint of its own so that one item's
 * failure undoes only that item, commits, then calls each item's done() — which hands the item
 * back to the loop it came from, where the client is answered.  So an answered write has been
 * committed: it survives kill -9.  Items of every module share the one thread and its one
 * connection: SQLite takes one writer at a time anyway, and a batch pays one fsync.
 */
#ifndef ATRIUM_STORE_WRITER_H
#define ATRIUM_STORE_WRITER_H
#include <stddef.h>
#include "store/store.h"

struct writer_item {
	/*
	 * On the writer thread, inside the batch's transaction: 0, or -1 when the store failed (the
	 * item's own changes are undone; the batch goes on).  An item refused for a reason of its
	 * own (a revoked consent) records that in itself and returns 0.
	 */
	int (*store)(struct store *st, struct writer_item *it);
	/*
	 * On the writer thread, after the batch: committed is 1 when store() returned 0 and the
	 * commit succeeded, else 0 (nothing of the item is stored).  Takes the item: it posts it to
	 * its loop or frees it.
	 */
	void (*done)(struct store *st, struct writer_item *it, int committed);
	struct writer_item *next; /* the writer's */
};

/* Starts the writer on its own connection to db_path.  0, or -1 with a message in err. */
int writer_start(const char *db_path, char *err, size_t errlen);
/* Stores what is queued, finishes it, and stops the thread. */
void writer_stop(void);
/* Queues it (any thread): 0, or -1 when the writer is not running (the caller answers it). */
int writer_submit(struct writer_item *it);

#endif
