/*
 * `atrium admin …`: one function per command, listed in one table.  Each takes the words after
 * its name and returns the exit status: 0 done, 1 failed (said on stderr), 2 misused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "admin.h"
#include "apps/account/account.h"
#include "apps/im/file.h"
#include "apps/im/im.h"
#include "apps/im/search.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/mem.h"
#include "crypto/keyring.h"
#include "notify/notify.h"
#include "privacy/erasure.h"
#include "privacy/export.h"
#include "privacy/audit.h"
#include "privacy/operators.h"
#include "privacy/requests.h"
#include "privacy/retention.h"
#include "core/banned.h"

char *data_path(const struct config *cfg, const char *name)
{
	size_t len = strlen(cfg->data) + strlen(name) + 2;
	char *p = xmalloc(len);
	snprintf(p, len, "%s/%s", cfg->data, name);
	return p;
}

/* The data folder's lock: held by a serving server; restore needs it free.  fd or -1. */
int lock_data(const struct config *cfg)
{
	char *p = data_path(cfg, "atrium.lock");
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(p);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return -1;
	}
	return fd;
}

struct store *admin_open_store(const struct config *cfg)
{
	char err[512];
	static struct keyring *kr;
	/* Commands write to the audit chain and verify it: its head is sealed with the master key. */
	if (!kr) {
		char *key_path = data_path(cfg, "master.key");
		if (!access(key_path, F_OK) && (kr = keyring_load(key_path, err, sizeof(err))))
			audit_set_key(kr);
		free(key_path);
	}
	char *db_path = data_path(cfg, "atrium.db");
	struct store *st = NULL;
	if (access(db_path, F_OK))
		fprintf(stderr, "atrium: no database in '%s'\n", cfg->data);
	else if (!(st = store_open(db_path, err, sizeof(err))) || store_migrate(st, err, sizeof(err))) {
		fprintf(stderr, "atrium: %s\n", err);
		store_close(st);
		st = NULL;
	}
	free(db_path);
	return st;
}

/* backup FILE: a consistent copy of the database, while the server runs or not. */
static int backup(const struct config *cfg, int argc, char **argv)
{
	char err[512];
	if (argc != 1)
		return 2;
	if (!access(argv[0], F_OK)) {
		fprintf(stderr, "atrium: '%s' exists; name a new file\n", argv[0]);
		return 1;
	}
	char *db_path = data_path(cfg, "atrium.db");
	struct store *st = NULL;
	int rc = 1;
	if (access(db_path, F_OK))
		fprintf(stderr, "atrium: no database in '%s'\n", cfg->data);
	else if (!(st = store_open(db_path, err, sizeof(err))) || store_backup(st, argv[0], err, sizeof(err)))
		fprintf(stderr, "atrium: %s\n", err);
	else {
		printf("atrium: backed up '%s' to '%s'\n", db_path, argv[0]);
		rc = 0;
	}
	store_close(st);
	free(db_path);
	return rc;
}

/* restore FILE: puts a backup back; the server must be stopped. */
static int restore(const struct config *cfg, int argc, char **argv)
{
	char err[512];
	if (argc != 1)
		return 2;
	char *db_path = data_path(cfg, "atrium.db");
	struct store *st = NULL;
	int rc = 1, lock = -1;
	if (access(db_path, F_OK))
		fprintf(stderr, "atrium: no database in '%s'\n", cfg->data);
	else if ((lock = lock_data(cfg)) < 0)
		fprintf(stderr, "atrium: a server is running on '%s'; stop it before restoring\n", cfg->data);
	else if (store_check_file(argv[0], err, sizeof(err)) || !(st = store_open(db_path, err, sizeof(err))) ||
		 store_restore(st, argv[0], err, sizeof(err)))
		fprintf(stderr, "atrium: %s\n", err);
	else {
		printf("atrium: restored '%s' from '%s'\n", db_path, argv[0]);
		rc = 0;
	}
	store_close(st);
	if (lock >= 0)
		close(lock);
	free(db_path);
	return rc;
}

/* audit verify: exit 0 when the whole chain checks out, 1 naming the first bad entry. */
static int audit(const struct config *cfg, int argc, char **argv)
{
	char why[256], id[ID_STR_LEN];
	int64_t bad = 0, n = -1;
	int rc = 1, broken;
	if (argc != 1 || strcmp(argv[0], "verify"))
		return 2;
	/* A database from before the audit chain gets its empty table, as serve would give it. */
	struct store *st = admin_open_store(cfg);
	if (!st)
		return 1;
	/* One snapshot: a running server's appends do not move the chain under the walk. */
	if (store_begin_read(st) != STORE_OK) {
		fprintf(stderr, "atrium: cannot read the database: %s\n", store_errmsg(st));
		goto out;
	}
	broken = audit_verify(st, &bad, why, sizeof(why));
	if (!broken)
		n = audit_count(st);
	store_end_read(st);
	if (broken && bad) {
		fprintf(stderr, "audit chain broken at entry %s: %s\n", id_format(bad, id), why);
		goto out;
	}
	if (broken || n < 0) {
		fprintf(stderr, "atrium: %s\n", broken ? why : "cannot count the audit log");
		goto out;
	}
	printf("audit chain intact: %lld entries\n", (long long)n);
	rc = 0;
out:
	store_close(st);
	return rc;
}

/* erasure run: erases every account whose cooling-off has ended, now. */
static int erasure(const struct config *cfg, int argc, char **argv)
{
	char err[512];
	int count = 0, rc = 1;
	if (argc != 1 || strcmp(argv[0], "run"))
		return 2;
	char *key_path = data_path(cfg, "master.key");
	struct keyring *kr = keyring_load(key_path, err, sizeof(err));
	struct notify *n = kr ? notify_new(cfg, err, sizeof(err)) : NULL;
	struct store *st = n ? admin_open_store(cfg) : NULL;
	free(key_path);
	if (!kr || !n) {
		fprintf(stderr, "atrium: %s\n", err);
		goto out;
	}
	if (!st)
		goto out;
	account_init();
	org_init();
	im_init();
	file_init();
	char *export_dir = data_path(cfg, EXPORT_DIR);
	export_init(export_dir);
	free(export_dir);
	if (erasure_run_due(st, kr, n, clock_now_ms(), &count)) {
		fprintf(stderr, "atrium: erasure failed after %d account(s): %s\n", count, store_errmsg(st));
		goto out;
	}
	printf("atrium: erased %d account(s)\n", count);
	rc = 0;
out:
	store_close(st);
	notify_free(n);
	keyring_free(kr);
	return rc;
}

/*
 * The words after a command are key=value (the option parser owns every --name): fills values[i]
 * for keys[i] (NULL when absent).  Returns 0, or -1 having said which word is wrong.
 */
static int parse_words(int argc, char **argv, const char *const *keys, const char **values)
{
	for (int k = 0; keys[k]; k++)
		values[k] = NULL;
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		int k = 0;
		for (; eq && keys[k]; k++)
			if (strlen(keys[k]) == (size_t)(eq - argv[i]) && !strncmp(argv[i], keys[k], (size_t)(eq - argv[i])))
				break;
		if (!eq || !keys[k]) {
			fprintf(stderr, "atrium: '%s' is not one of", argv[i]);
			for (k = 0; keys[k]; k++)
				fprintf(stderr, " %s=…", keys[k]);
			fprintf(stderr, "\n");
			return -1;
		}
		if (values[k]) {
			fprintf(stderr, "atrium: %s= given twice\n", keys[k]);
			return -1;
		}
		values[k] = eq + 1;
	}
	return 0;
}

/* An optional RFC 3339 time word: 0 when absent, -1 (said) when malformed. */
static int parse_time_word(const char *key, const char *value, int64_t *ms)
{
	*ms = 0;
	if (value && clock_parse(value, ms)) {
		fprintf(stderr, "atrium: %s='%s' is not an RFC 3339 time such as 2026-03-01T09:30:00Z\n", key, value);
		return -1;
	}
	return 0;
}

static int parse_request_id(const char *s, int64_t *id)
{
	if (id_parse(s, id)) {
		fprintf(stderr, "atrium: '%s' is not a request id\n", s);
		return -1;
	}
	return 0;
}

/* "3 days", "5 hours", "12 minutes": how long a span is, roughly. */
static char *span(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		ms = -ms;
	if (ms >= 2 * REQUEST_DAY_MS)
		snprintf(buf, len, "%lld days", (long long)(ms / REQUEST_DAY_MS));
	else if (ms >= 2 * 3600 * 1000)
		snprintf(buf, len, "%lld hours", (long long)(ms / (3600 * 1000)));
	else
		snprintf(buf, len, "%lld minutes", (long long)(ms / 60000));
	return buf;
}

/* One open request a line: id, kind, identity, received, due (or why none), marks, requester. */
static void print_open(const struct request *r, void *arg)
{
	int64_t now = *(const int64_t *)arg;
	char id[ID_STR_LEN], rep[ID_STR_LEN], rec[CLOCK_RFC3339_LEN], due[CLOCK_RFC3339_LEN], s[32];
	printf("%s  %-12s  %-9s  %-10s  received %s  ", id_format(r->id, id), r->type, r->channel, r->identity,
	       clock_format(r->received_at, rec));
	if (!r->due_at)
		printf("due -  (clock paused until identity is verified)");
	else if (r->due_at < now)
		printf("due %s  OVERDUE by %s", clock_format(r->due_at, due), span(now - r->due_at, s, sizeof(s)));
	else
		printf("due %s  in %s", clock_format(r->due_at, due), span(r->due_at - now, s, sizeof(s)));
	if (r->repeat_of)
		printf("  REPEAT of %s", id_format(r->repeat_of, rep));
	printf("  %s\n", r->requester);
}

struct due_count {
	int64_t now;
	int overdue, soon;
};

/* For monitoring: ids and dates only, no requester (cron mails this output around). */
static void print_due(const struct request *r, void *arg)
{
	struct due_count *c = arg;
	char id[ID_STR_LEN], due[CLOCK_RFC3339_LEN], s[32];
	int late = r->due_at < c->now;
	printf("%-8s  %s  %-12s  due %s  %s %s\n", late ? "OVERDUE" : "due soon", id_format(r->id, id), r->type,
	       clock_format(r->due_at, due), late ? "late by" : "in", span(r->due_at - c->now, s, sizeof(s)));
	if (late)
		c->overdue++;
	else
		c->soon++;
}

static void print_one(const struct request *r, void *arg)
{
	char id[ID_STR_LEN], t[CLOCK_RFC3339_LEN];
	const struct request_ground *g = requests_ground(r->ground);
	printf("id: %s\ntype: %s\nchannel: %s\nrequester: %s\n", id_format(r->id, id), r->type, r->channel,
	       r->requester);
	printf("account: %s\n", r->user_id ? id_format(r->user_id, id) : "-");
	printf("identity: %s\nreceived: %s\n", r->identity, clock_format(r->received_at, t));
	printf("verified: %s\n", r->verified_at ? clock_format(r->verified_at, t) : "-");
	printf("due: %s\n", r->due_at ? clock_format(r->due_at, t) : "- (clock paused until identity is verified)");
	printf("status: %s\n", r->status);
	if (r->repeat_of)
		printf("repeat of: %s\n", id_format(r->repeat_of, id));
	if (r->answered_at)
		printf("closed: %s\n", clock_format(r->answered_at, t));
	if (g)
		printf("ground: %s (%s)\n  %s\n  %s\n", g->id, g->promise, g->zh, g->en);
	if (*r->answer)
		printf("text: %s\n", r->answer);
}

/* requests …: rights requests that come by e-mail, phone, post or in person (PP-39 … PP-42). */
static int requests(const struct config *cfg, int argc, char **argv)
{
	static const char *const add_keys[] = { "type", "channel", "requester", "user", "received", NULL };
	static const char *const verify_keys[] = { "at", "result", NULL };
	static const char *const answer_keys[] = { "text", NULL };
	static const char *const refuse_keys[] = { "ground", "text", NULL };
	const char *v[8];
	char err[512], id[ID_STR_LEN], t[CLOCK_RFC3339_LEN];
	struct request_error e = { .code = ERR_OK };
	int64_t rid = 0, when = 0, now = clock_now_ms();
	int rc = 1;
	struct store *st = NULL;
	if (argc < 1)
		return 2;
	const char *sub = argv[0];
	if (!strcmp(sub, "grounds") && argc == 1) {
		for (const struct request_ground *g = request_grounds; g->id; g++)
			printf("%-22s %s  %s\n%-22s        %s\n", g->id, g->promise, g->en, "", g->zh);
		return 0;
	}
	/* Check every word before touching the database: a misuse changes nothing. */
	if (!strcmp(sub, "add")) {
		if (parse_words(argc - 1, argv + 1, add_keys, v) || parse_time_word("received", v[4], &when))
			return 2;
		if (v[3] && id_parse(v[3], &rid)) {
			fprintf(stderr, "atrium: user='%s' is not an account id\n", v[3]);
			return 2;
		}
	} else if (!strcmp(sub, "verify") || !strcmp(sub, "answer") || !strcmp(sub, "refuse") ||
		   !strcmp(sub, "show")) {
		const char *const *keys = sub[0] == 'v' ? verify_keys : sub[0] == 'a' ? answer_keys :
					  sub[0] == 'r' ? refuse_keys : (const char *const[]){ NULL };
		if (argc < 2 || parse_request_id(argv[1], &rid) || parse_words(argc - 2, argv + 2, keys, v))
			return 2;
		if (sub[0] == 'v' && (parse_time_word("at", v[0], &when) ||
				      (v[1] && strcmp(v[1], "verified") && strcmp(v[1], "failed")))) {
			if (v[1])
				fprintf(stderr, "atrium: result='%s' is not 'verified' or 'failed'\n", v[1]);
			return 2;
		}
	} else if ((strcmp(sub, "list") && strcmp(sub, "due")) || argc != 1) {
		return 2;
	}
	if (requests_check_config(cfg, err, sizeof(err))) {
		fprintf(stderr, "atrium: %s\n", err);
		return 2;
	}
	if (cfg->node_id > 1023) {
		fprintf(stderr, "atrium: node-id must be 0 to 1023\n");
		return 2;
	}
	id_init((unsigned)cfg->node_id);
	if (!(st = admin_open_store(cfg)))
		return 1;

	if (!strcmp(sub, "add")) {
		struct request_new in = { .type = v[0], .channel = v[1], .requester = v[2], .user_id = rid,
					  .received_at = when };
		int64_t repeat;
		if (requests_add(st, cfg, 0, &in, &rid, &repeat, &e))
			goto refused;
		if (repeat)
			fprintf(stderr, "atrium: flagged as a repeat of request %s: same type, same requester, "
					"within %ld days (PP-41)\n", id_format(repeat, id), cfg->request_repeat_days);
		printf("%s\n", id_format(rid, id));
	} else if (!strcmp(sub, "verify")) {
		int64_t due;
		int failed = v[1] && !strcmp(v[1], "failed");
		if (requests_verify(st, cfg, 0, rid, when, failed, &due, &e))
			goto refused;
		if (failed)
			printf("request %s: identity not verified; no due date until it is\n", id_format(rid, id));
		else
			printf("request %s verified; answer due by %s (%ld days, PP-40)\n", id_format(rid, id),
			       clock_format(due, t), cfg->request_due_days);
	} else if (!strcmp(sub, "answer")) {
		if (requests_answer(st, 0, rid, v[0], &e))
			goto refused;
		printf("request %s answered\n", id_format(rid, id));
	} else if (!strcmp(sub, "refuse")) {
		if (requests_refuse(st, 0, rid, v[0], v[1], &e))
			goto refused;
		const struct request_ground *g = requests_ground(v[0]);
		printf("request %s refused on ground %s (%s):\n  %s\n  %s\n", id_format(rid, id), g->id, g->promise,
		       g->zh, g->en);
	} else if (!strcmp(sub, "show")) {
		int found = requests_get(st, rid, print_one, NULL);
		if (found) {
			snprintf(err, sizeof(err), found > 0 ? "no rights request '%s'" : "cannot read the request",
				 id_format(rid, id));
			goto failed;
		}
	} else if (!strcmp(sub, "list")) {
		int n = requests_list(st, 0, now, print_open, &now);
		int late = requests_overdue(st, now, NULL, 0);
		if (n < 0 || late < 0) {
			snprintf(err, sizeof(err), "cannot read the requests: %s", store_errmsg(st));
			goto failed;
		}
		printf("%d open request(s), %d overdue\n", n, late);
	} else { /* due: exit 3 when any is overdue, for cron and monitoring */
		struct due_count c = { .now = now };
		int n = requests_list(st, REQUESTS_DUE_SOON, now, print_due, &c);
		if (n < 0) {
			snprintf(err, sizeof(err), "cannot read the requests: %s", store_errmsg(st));
			goto failed;
		}
		if (n == 0)
			printf("no rights request is overdue or due within %d days\n", REQUEST_NEAR_DAYS);
		else
			printf("%d overdue, %d due within %d days\n", c.overdue, c.soon, REQUEST_NEAR_DAYS);
		store_close(st);
		return c.overdue ? 3 : 0;
	}
	rc = 0;
	goto out;
refused:
	snprintf(err, sizeof(err), "%s", e.text);
	if (e.code == ERR_IDENTITY_NOT_VERIFIED)
		snprintf(err + strlen(err), sizeof(err) - strlen(err), ": atrium admin requests verify %s",
			 id_format(rid, id));
failed:
	fprintf(stderr, "atrium: %s\n", err);
out:
	store_close(st);
	return rc;
}

static void print_operator(int64_t user, int64_t granted_at, void *arg)
{
	char id[ID_STR_LEN], t[CLOCK_RFC3339_LEN];
	(void)arg;
	printf("%s  granted %s\n", id_format(user, id), clock_format(granted_at, t));
}

/* operators add|remove USER_ID, operators list: the accounts the admin API answers. */
static int operators(const struct config *cfg, int argc, char **argv)
{
	char err[512], id[ID_STR_LEN];
	int64_t user = 0;
	int rc = 1;
	if (argc < 1)
		return 2;
	int add = !strcmp(argv[0], "add"), remove = !strcmp(argv[0], "remove");
	if ((add || remove) && argc == 2) {
		if (id_parse(argv[1], &user)) {
			fprintf(stderr, "atrium: '%s' is not an account id\n", argv[1]);
			return 2;
		}
	} else if (strcmp(argv[0], "list") || argc != 1) {
		return 2;
	}
	if (cfg->node_id > 1023) {
		fprintf(stderr, "atrium: node-id must be 0 to 1023\n");
		return 2;
	}
	id_init((unsigned)cfg->node_id); /* the audit entry's id */
	struct store *st = admin_open_store(cfg);
	if (!st)
		return 1;
	if (add || remove) {
		int done = add ? operators_add(st, user, err, sizeof(err)) : operators_remove(st, user, err, sizeof(err));
		if (done < 0) {
			fprintf(stderr, "atrium: %s\n", err);
			goto out;
		}
		if (done == 0)
			printf("user %s %s\n", id_format(user, id),
			       add ? "is now a platform operator" : "is no longer a platform operator");
		else
			printf("user %s %s; nothing changed\n", id_format(user, id),
			       add ? "is already a platform operator" : "is not a platform operator");
	} else {
		int n = operators_list(st, print_operator, NULL);
		if (n < 0) {
			fprintf(stderr, "atrium: cannot read the operators: %s\n", store_errmsg(st));
			goto out;
		}
		printf("%d platform operator(s)\n", n);
	}
	rc = 0;
out:
	store_close(st);
	return rc;
}

static void print_retention(const struct retention_report *r, void *arg)
{
	if (r->skipped)
		printf("%s: skipped (not in this build)\n", r->table);
	else
		printf("%s: %lld removed\n", r->table, (long long)r->removed);
}

/* retention run: applies every retention rule now; prints what each removed. */
static int retention(const struct config *cfg, int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "run"))
		return 2;
	if (cfg->node_id > 1023) {
		fprintf(stderr, "atrium: node-id must be 0 to 1023\n");
		return 2;
	}
	id_init((unsigned)cfg->node_id);
	struct store *st = admin_open_store(cfg);
	if (!st)
		return 1;
	int rc = retention_run(st, cfg, clock_now_ms(), NULL, print_retention, NULL);
	if (rc)
		fprintf(stderr, "atrium: a retention rule failed: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? 1 : 0;
}

/*
 * files sweep: removes now what the files job would (apps/im/file.h): uploads never sent within a
 * day, the blobs of deleted files, and blobs and folders no row names.  Prints the counts.
 */
static int files(const struct config *cfg, int argc, char **argv)
{
	char root[4096];
	struct file_sweep_report rep;
	if (argc != 1 || strcmp(argv[0], "sweep"))
		return 2;
	if (cfg->node_id > 1023) {
		fprintf(stderr, "atrium: node-id must be 0 to 1023\n");
		return 2;
	}
	id_init((unsigned)cfg->node_id); /* the audit entries of the sweep */
	struct store *st = admin_open_store(cfg);
	if (!st)
		return 1;
	int rc = file_sweep(st, file_blob_root(cfg, root, sizeof(root)), clock_now_ms(), 1, &rep);
	printf("files: %lld unsent expired, %lld removed, %lld orphan blobs removed\n", (long long)rep.expired,
	       (long long)rep.removed, (long long)rep.orphans);
	if (rc)
		fprintf(stderr, "atrium: the files sweep did not finish: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? 1 : 0;
}

struct reindexing {
	int64_t said_at, conversations, messages;
};

static void print_reindexed(int64_t conversations, int64_t messages, void *arg)
{
	struct reindexing *x = arg;
	/* A line every ten seconds or so on a large database, not one per conversation. */
	if (clock_mono_us() - x->said_at > 10 * 1000000) {
		x->said_at = clock_mono_us();
		fprintf(stderr, "atrium: %lld conversations, %lld messages so far\n", (long long)conversations, (long long)messages);
	}
	x->conversations = conversations;
	x->messages = messages;
}

/* im reindex: rebuilds the message search index from the messages, conversation by conversation. */
static int im(const struct config *cfg, int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "reindex"))
		return 2;
	struct store *st = admin_open_store(cfg);
	if (!st)
		return 1;
	struct reindexing x = { clock_mono_us(), 0, 0 };
	int rc = im_search_reindex(st, print_reindexed, &x);
	if (rc)
		fprintf(stderr, "atrium: reindexing failed: %s\n", store_errmsg(st));
	else
		printf("atrium: search index rebuilt: %lld conversations, %lld messages\n", (long long)x.conversations,
		       (long long)x.messages);
	store_close(st);
	return rc ? 1 : 0;
}

static const struct admin_command {
	const char *name, *usage;
	int (*fn)(const struct config *cfg, int argc, char **argv);
} commands[] = {
	{ "backup", "backup FILE", backup },
	{ "restore", "restore FILE", restore },
	{ "audit", "audit verify", audit },
	{ "erasure", "erasure run", erasure },
	{ "requests", "requests add type=T channel=C requester=TEXT [user=ID] [received=TIME]\n"
	  "  atrium admin requests verify ID [at=TIME] [result=verified|failed]\n"
	  "  atrium admin requests answer ID text=TEXT\n"
	  "  atrium admin requests refuse ID ground=G [text=TEXT]\n"
	  "  atrium admin requests list|due|grounds, requests show ID", requests },
	{ "operators", "operators add|remove USER_ID, operators list", operators },
	{ "retention", "retention run", retention },
	{ "im", "im reindex", im },
	{ "files", "files sweep", files },
	{ 0 }
};

int admin_main(const struct config *cfg, int argc, char **argv)
{
	for (const struct admin_command *c = commands; argc > 0 && c->name; c++) {
		if (strcmp(c->name, argv[0]))
			continue;
		int rc = c->fn(cfg, argc - 1, argv + 1);
		if (rc == 2)
			fprintf(stderr, "atrium: usage: atrium admin %s\n", c->usage);
		return rc;
	}
	fprintf(stderr, "atrium: admin commands:\n");
	for (const struct admin_command *c = commands; c->name; c++)
		fprintf(stderr, "  atrium admin %s\n", c->usage);
	return 2;
}
