/* Registry-driven erasure of accounts, and the runner that erases when cooling-off ends. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/clock.h"
#include "core/id.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "privacy/audit.h"
#include "privacy/datamap.h"
#include "privacy/erasure.h"
#include "core/banned.h"

#define MAX_HOOKS 8
#define MAX_STEPS 64

static erasure_hook hooks[MAX_HOOKS];
static int nhooks;

void erasure_add_hook(erasure_hook fn)
{
	if (nhooks < MAX_HOOKS)
		hooks[nhooks++] = fn;
}

void erasure_forget(struct erasure_ctx *ctx, const char *s)
{
	if (s && *s && ctx->nforget < ERASURE_MAX_FORGET)
		ctx->forget[ctx->nforget++] = xstrdup(s);
}

/*
 * One step per table with a subject column, made once from the registry's constants (never from
 * input): delete the rows, or rewrite the declared fields, or nothing when all are kept.
 */
static struct step {
	const struct pi_dataset *set;
	char *sql;           /* NULL: every column is kept */
	enum pi_erasure what; /* ERASE_DELETE_ROW, or the field action when rows stay */
} steps[MAX_STEPS];
static int nsteps;
static pthread_once_t steps_once = PTHREAD_ONCE_INIT;

struct plan {
	const struct pi_dataset *set;
	int del;
	char sets[1024];
};

static void plan_column(const struct pi_column *c, void *arg)
{
	struct plan *p = arg;
	if (strcmp(c->table, p->set->table))
		return;
	size_t n = strlen(p->sets);
	if (c->erasure == ERASE_DELETE_ROW || c->erasure == ERASE_DESTROY_KEY)
		p->del = 1; /* a destroyed key goes with its row: subject_keys.wrapped */
	else if (c->erasure == ERASE_CLEAR_FIELD)
		snprintf(p->sets + n, sizeof(p->sets) - n, "%s%s = NULL", n ? ", " : "", c->column);
	else if (c->erasure == ERASE_PSEUDONYMISE)
		snprintf(p->sets + n, sizeof(p->sets) - n, "%s%s = 'erased'", n ? ", " : "", c->column);
}

static void plan_dataset(const struct pi_dataset *d, void *arg)
{
	(void)arg;
	if (!d->subject || nsteps == MAX_STEPS)
		return;
	struct plan p = { .set = d };
	datamap_each(plan_column, &p);
	struct step *s = &steps[nsteps++];
	s->set = d;
	size_t len = strlen(d->table) + strlen(d->subject) + strlen(p.sets) + 64;
	if (p.del) {
		s->what = ERASE_DELETE_ROW;
		s->sql = xmalloc(len);
		snprintf(s->sql, len, "DELETE FROM %s WHERE %s = ?", d->table, d->subject);
	} else if (*p.sets) {
		s->what = ERASE_CLEAR_FIELD;
		s->sql = xmalloc(len);
		snprintf(s->sql, len, "UPDATE %s SET %s WHERE %s = ?", d->table, p.sets, d->subject);
	} else {
		s->what = ERASE_KEEP;
	}
}

static void make_steps(void)
{
	datamap_each_dataset(plan_dataset, NULL);
	/* The account's own row goes last: other tables point at it. */
	for (int i = 0; i < nsteps - 1; i++) {
		if (!strcmp(steps[i].set->table, "users")) {
			struct step t = steps[i];
			memmove(&steps[i], &steps[i + 1], sizeof(steps[0]) * (size_t)(nsteps - i - 1));
			steps[nsteps - 1] = t;
			break;
		}
	}
}

static const char *action_name(enum pi_erasure e)
{
	switch (e) {
	case ERASE_DELETE_ROW: return "deleted";
	case ERASE_CLEAR_FIELD: return "cleared";
	case ERASE_PSEUDONYMISE: return "pseudonymised";
	case ERASE_DESTROY_KEY: return "key destroyed";
	case ERASE_KEEP: return "kept";
	}
	return "?";
}

/* The receipt: per table erased, what was done to which categories, with the legal reason of
 * anything kept.  Names no one: the subject is a bare id. */
struct receipt {
	struct jsonw *w;
	const struct step *step;
	int64_t rows;
};

static void receipt_column(const struct pi_column *c, void *arg)
{
	struct receipt *k = arg;
	if (strcmp(c->table, k->step->set->table) || c->category == PI_NONE)
		return;
	jsonw_open(k->w, NULL, '{');
	jsonw_str(k->w, "column", c->column);
	jsonw_str(k->w, "category", datamap_category_name(c->category));
	jsonw_str(k->w, "category_zh", datamap_category_label(c->category, "zh"));
	jsonw_str(k->w, "done", action_name(k->step->what == ERASE_DELETE_ROW
					     ? (c->erasure == ERASE_DESTROY_KEY ? ERASE_DESTROY_KEY : ERASE_DELETE_ROW)
					     : c->erasure));
	if (c->erasure == ERASE_KEEP && k->step->what != ERASE_DELETE_ROW)
		jsonw_str(k->w, "reason", c->basis);
	jsonw_close(k->w, '}');
}

int erasure_erase_user(struct store *st, const struct keyring *kr, struct notify *n, int64_t user,
		       const uint8_t *receipt_hash)
{
	struct erasure_ctx ctx = { .st = st, .kr = kr, .user = user };
	struct jsonw w;
	int64_t now = clock_now_ms();
	int rc = -1;
	pthread_once(&steps_once, make_steps);
	jsonw_init(&w);
	if (store_begin(st) != STORE_OK)
		goto out;
	for (int i = 0; i < nhooks; i++)
		if (hooks[i](&ctx))
			goto out;
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "type", "atrium-deletion-receipt");
	jsonw_int(&w, "version", 1);
	jsonw_id(&w, "subject", user);
	jsonw_time(&w, "erased_at", now);
	jsonw_open(&w, "datasets", '[');
	for (int i = 0; i < nsteps; i++) {
		struct step *s = &steps[i];
		int64_t rows = 0;
		if (s->sql) {
			struct store_stmt *q = store_prepare(st, s->sql);
			store_bind_int(q, 1, user);
			if (store_run(q) != STORE_DONE)
				goto out;
			rows = store_changes(st);
		}
		if (!rows && s->what != ERASE_KEEP)
			continue;
		jsonw_open(&w, NULL, '{');
		jsonw_str(&w, "table", s->set->table);
		jsonw_str(&w, "title_zh", s->set->title_zh);
		jsonw_str(&w, "title_en", s->set->title_en);
		jsonw_int(&w, "rows", rows);
		jsonw_open(&w, "columns", '[');
		struct receipt k = { .w = &w, .step = s, .rows = rows };
		datamap_each(receipt_column, &k);
		jsonw_close(&w, ']');
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');

	char object[AUDIT_OBJECT_LEN];
	if (audit_append(st, 0, "account.erase", user, audit_object("account", user, object), "") != 0)
		goto out;
	if (receipt_hash) {
		uint8_t sig[KEYRING_SIGNATURE_LEN];
		keyring_sign(kr, w.buf, w.len, sig);
		struct store_stmt *q = store_prepare(st,
			"INSERT INTO deletion_receipts (id, token_hash, erased_at, receipt, signature)"
			" VALUES (?, ?, ?, ?, ?)");
		store_bind_int(q, 1, id_next());
		store_bind_blob(q, 2, receipt_hash, 32);
		store_bind_int(q, 3, now);
		store_bind_text(q, 4, w.buf, (int)w.len);
		store_bind_blob(q, 5, sig, sizeof(sig));
		if (store_run(q) != STORE_DONE)
			goto out;
	}
	if (store_commit(st) != STORE_OK)
		goto out;
	rc = 0;
	/* secure_delete has zeroed the freed cells in the pages; fold the WAL, which still holds
	 * the old page images, into the file and truncate it. */
	store_checkpoint(st);
	if (n && ctx.nforget)
		notify_forget(n, (const char *const *)ctx.forget, ctx.nforget);
out:
	if (rc)
		store_rollback(st);
	for (int i = 0; i < ctx.nforget; i++) {
		sodium_memzero(ctx.forget[i], strlen(ctx.forget[i]));
		free(ctx.forget[i]);
	}
	jsonw_release(&w);
	return rc;
}

int erasure_run_due(struct store *st, const struct keyring *kr, struct notify *n, int64_t now, int *count)
{
	*count = 0;
	for (;;) {
		struct store_stmt *q = store_prepare(st,
			"SELECT user_id, receipt_hash FROM cancellations WHERE due_at <= ? ORDER BY due_at LIMIT 1");
		store_bind_int(q, 1, now);
		if (store_step(q) != STORE_ROW)
			return 0;
		int64_t user = store_col_int(q, 0);
		size_t len;
		uint8_t hash[32];
		const void *h = store_col_blob(q, 1, &len);
		memcpy(hash, h, len == 32 ? 32 : 0);
		store_reset(q);
		if (len != 32 || erasure_erase_user(st, kr, n, user, hash))
			return -1;
		(*count)++;
	}
}

/* ---- the job ---- */

int erasure_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void))
{
	struct erasure_env *env = arg;
	int count;
	(void)rd;
	(void)stopping; /* one account at a time: each erasure is short */
	if (erasure_run_due(st, env->kr, env->notify, clock_now_ms(), &count)) {
		fprintf(stderr, "atrium: erasure failed after %d account(s): %s (will retry)\n", count,
			store_errmsg(st));
		return -1;
	}
	return 0;
}
