/*
 * What Atrium tells everyone about its processing, generated from the data map so the page
 * cannot drift from the code: the policy in force, what is collected and why, the third parties;
 * and, to a signed-in person, a summary of what it holds about them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonw.h"
#include "core/mem.h"
#include "crypto/token.h"
#include "http/req.h"
#include "privacy/datamap.h"
#include "privacy/privacy.h"
#include "core/banned.h"

static enum err policy(struct req *r)
{
	size_t len;
	const char *text = policy_text(&len);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "version", policy_version());
	jsonw_strn(&w, "text", text, len);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* A legal basis as a person reads it, naming the policy's exception it relies on (PP-21) and
 * the law after the colon when the declaration gives one. */
static void basis_label(const char *basis, const char *lang, char *out, size_t len)
{
	const struct legal_basis *b = datamap_basis(basis);
	const char *law = strchr(basis, ':');
	int en = !strcmp(lang, "en");
	if (!b)
		snprintf(out, len, "%s", basis);
	else if (!b->exception)
		snprintf(out, len, "%s", en ? b->en : b->zh);
	else if (en)
		snprintf(out, len, "%s (exception %d of the policy, no consent needed)%s%s", b->en, b->exception,
			 law ? ":" : "", law ? law + 1 : "");
	else
		snprintf(out, len, "%s（隐私政策所列免于同意情形第 %d 项）%s%s", b->zh, b->exception,
			 law ? "：" : "", law ? law + 1 : "");
}

struct collect {
	struct jsonw *w;
	const struct pi_dataset *set;
	const char *lang;
	unsigned categories; /* bit per pi_category seen */
	const char *bases[16];
	int nbases;
};

static void collect_column(const struct pi_column *c, void *arg)
{
	struct collect *k = arg;
	if (strcmp(c->table, k->set->table))
		return;
	if (c->category != PI_NONE)
		k->categories |= 1u << c->category;
	for (int i = 0; i < k->nbases; i++)
		if (!strcmp(k->bases[i], c->basis))
			return;
	if (k->nbases < 16 && strcmp(c->basis, "none"))
		k->bases[k->nbases++] = c->basis;
}

static void write_dataset(const struct pi_dataset *d, void *arg)
{
	struct collect *k = arg;
	if (!d->listed)
		return;
	int en = !strcmp(k->lang, "en");
	k->set = d;
	k->categories = 0;
	k->nbases = 0;
	datamap_each(collect_column, k);
	struct jsonw *w = k->w;
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "table", d->table);
	jsonw_str(w, "title", en ? d->title_en : d->title_zh);
	jsonw_str(w, "purpose", en ? d->why_en : d->why_zh);
	jsonw_str(w, "retention", en ? d->kept_en : d->kept_zh);
	jsonw_str(w, "controller", datamap_controller_name(d->controller));
	jsonw_open(w, "categories", '[');
	for (int c = 0; c < 32; c++) {
		if (!(k->categories & (1u << c)))
			continue;
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "id", datamap_category_name((enum pi_category)c));
		jsonw_str(w, "label", datamap_category_label((enum pi_category)c, k->lang));
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_open(w, "legal_bases", '[');
	for (int i = 0; i < k->nbases; i++) {
		char label[256];
		basis_label(k->bases[i], k->lang, label, sizeof(label));
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "id", k->bases[i]);
		jsonw_str(w, "label", label);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
}

static enum err collection(struct req *r)
{
	struct jsonw w;
	struct collect k = { .w = &w, .lang = req_lang(r) };
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "language", k.lang);
	jsonw_str(&w, "policy_version", policy_version());
	jsonw_open(&w, "datasets", '[');
	datamap_each_dataset(write_dataset, &k);
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_set_header(r, "content-language", k.lang);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err third_parties(struct req *r)
{
	size_t len;
	const char *list = third_parties_json(&len);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_raw(&w, "third_parties", list, len);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/*
 * "SELECT count(*) FROM <table> WHERE <subject> = ?" for every dataset that has a subject, made
 * once from the registry's own constants (never from input), so the statement cache can hold them.
 */
#define MAX_SETS 64
static struct count_query {
	const struct pi_dataset *set;
	char *sql;
} counts[MAX_SETS];
static int ncounts;
static pthread_once_t counts_once = PTHREAD_ONCE_INIT;

static void add_count(const struct pi_dataset *d, void *arg)
{
	(void)arg;
	if (!d->subject || ncounts == MAX_SETS)
		return;
	size_t len = strlen(d->table) + strlen(d->subject) + 48;
	counts[ncounts].set = d;
	counts[ncounts].sql = xmalloc(len);
	snprintf(counts[ncounts].sql, len, "SELECT count(*) FROM %s WHERE %s = ?", d->table, d->subject);
	ncounts++;
}

static void make_counts(void)
{
	datamap_each_dataset(add_count, NULL);
}

struct correctable {
	struct jsonw *w;
	const char *table;
};

static void write_correctable(const struct pi_column *c, void *arg)
{
	struct correctable *k = arg;
	if (c->correctable && !strcmp(c->table, k->table))
		jsonw_str(k->w, NULL, c->column);
}

static enum err my_data(struct req *r)
{
	pthread_once(&counts_once, make_counts);
	const char *lang = req_lang(r);
	int en = !strcmp(lang, "en");
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "language", lang);
	jsonw_open(&w, "datasets", '[');
	for (int i = 0; i < ncounts; i++) {
		const struct pi_dataset *d = counts[i].set;
		struct store_stmt *s = store_prepare(r->app->st, counts[i].sql);
		store_bind_int(s, 1, r->user_id);
		int64_t rows = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
		store_reset(s);
		if (!rows)
			continue;
		struct collect k = { .set = d, .lang = lang };
		datamap_each(collect_column, &k);
		jsonw_open(&w, NULL, '{');
		jsonw_str(&w, "table", d->table);
		jsonw_str(&w, "title", en ? d->title_en : d->title_zh);
		jsonw_int(&w, "rows", rows);
		jsonw_str(&w, "controller", datamap_controller_name(d->controller));
		jsonw_open(&w, "categories", '[');
		for (int c = 0; c < 32; c++)
			if (k.categories & (1u << c))
				jsonw_str(&w, NULL, datamap_category_name((enum pi_category)c));
		jsonw_close(&w, ']');
		/* what its subject may change (PP-36), as declared in the data map */
		struct correctable cw = { .w = &w, .table = d->table };
		jsonw_open(&w, "correctable", '[');
		datamap_each(write_correctable, &cw);
		jsonw_close(&w, ']');
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* The signed receipt erasure left, for the token the user got when they asked to cancel. */
static enum err deletion_receipt(struct req *r)
{
	uint8_t hash[TOKEN_HASH_LEN], pk[KEYRING_SIGN_PK_LEN];
	char key_id[KEYRING_KEY_ID_LEN], sig64[100];
	if (token_hash(r->params[0], strlen(r->params[0]), hash))
		return req_fail(r, ERR_RECEIPT_NOT_FOUND, NULL);
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT receipt, signature FROM deletion_receipts WHERE token_hash = ?");
	store_bind_blob(s, 1, hash, sizeof(hash));
	if (store_step(s) != STORE_ROW)
		return req_fail(r, ERR_RECEIPT_NOT_FOUND, NULL);
	size_t slen;
	const uint8_t *sig = store_col_blob(s, 1, &slen);
	const char *text = store_col_text(s, 0);
	keyring_sign_public(r->app->kr, pk, key_id);
	token_b64(sig, slen == KEYRING_SIGNATURE_LEN ? slen : 0, sig64);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_raw(&w, "receipt", text, strlen(text));
	jsonw_str(&w, "receipt_text", text);
	jsonw_str(&w, "alg", "Ed25519");
	jsonw_str(&w, "signature", sig64);
	jsonw_str(&w, "key_id", key_id);
	jsonw_close(&w, '}');
	store_reset(s);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

const struct route privacy_routes[] = {
	{ "GET", "/api/v1/privacy/policy", policy, 0 },
	{ "GET", "/api/v1/privacy/collection", collection, 0 },
	{ "GET", "/api/v1/privacy/third-parties", third_parties, 0 },
	{ "GET", "/api/v1/me/data", my_data, ROUTE_AUTH },
	{ "GET", "/api/v1/privacy/deletion-receipts/{token}", deletion_receipt, 0 },
	{ 0 }
};
