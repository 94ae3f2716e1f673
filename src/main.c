/* atrium: the server (serve) and the operator's commands (admin …). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "admin.h"
#include "apps/account/account.h"
#include "apps/attendance/attendance.h"
#include "apps/im/file.h"
#include "apps/im/im.h"
#include "store/writer.h"
#include "apps/org/address_book.h"
#include "apps/org/import.h"
#include "apps/org/org.h"
#include "core/image.h"
#include "core/config.h"
#include "core/id.h"
#include "core/mem.h"
#include "crypto/keyring.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "notify/notify.h"
#include "privacy/audit.h"
#include "privacy/erasure.h"
#include "privacy/export.h"
#include "privacy/privacy.h"
#include "privacy/requests.h"
#include "store/store.h"
#include "version.h"
#include "core/banned.h"

extern char **environ;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: atrium serve [options]          run the server\n"
		"       atrium admin backup FILE [opts]  copy the database of a running or stopped server\n"
		"       atrium admin restore FILE [opts] put a backup back (the server must be stopped)\n"
		"       atrium admin audit verify [opts] prove the audit chain intact, or name the first bad entry\n"
		"       atrium admin requests …          rights requests by e-mail, phone, post (PP-39 … PP-42)\n"
		"       atrium admin retention run       apply the retention rules now\n"
		"       atrium admin files sweep         remove unsent uploads past a day and unneeded blobs now\n"
		"       atrium admin im reindex          rebuild the message search index from the messages\n"
		"       atrium routes                    list the API routes\n"
		"       atrium version\n\n");
	config_usage(out);
}


/* Creates the data folder and what lives in it, private to the server's user. */
static int prepare_data(const struct config *cfg)
{
	static const char *const dirs[] = { "blobs", "outbox", "logs" };
	if (mkdir(cfg->data, 0700) && errno != EEXIST) {
		fprintf(stderr, "atrium: cannot create data folder '%s': %s\n", cfg->data, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *p = data_path(cfg, dirs[i]);
		mkdir(p, 0700);
		free(p);
	}
	return 0;
}


static int serve(const struct config *cfg)
{
	char err[512];
	int rc = 1, lock;
	struct keyring *kr = NULL;
	struct store *st = NULL;
	struct notify *notify = NULL;
	char *key_path = data_path(cfg, "master.key"), *db_path = data_path(cfg, "atrium.db");
	char *export_dir = data_path(cfg, EXPORT_DIR);
	/* Bulk work runs on the job runner's thread, never on an event loop (DESIGN §6). */
	struct export_env exports = { .dir = export_dir };
	/* The privacy clock warns about overdue rights requests daily, applies retention hourly. */
	struct requests_clock privacy_clock = { .cfg = cfg };
	/* Accounts whose cooling-off has ended are erased (PP-38). */
	struct erasure_env erasure = { 0 };
	/* People imported from files become pending members (apps/org/import.h). */
	struct import_env imports = { .cfg = cfg };
	/* Images of messages are stripped of their metadata and thumbnailed; files no message needs go
	 * (apps/im/file.h).  First: a member waits for their image, not for an export. */
	char blob_root[4096];
	struct file_env files = { .root = file_blob_root(cfg, blob_root, sizeof(blob_root)) };
	const struct job jobs[] = {
		{ "files", file_job, &files },
		{ "erasure", erasure_job, &erasure },
		{ "import", import_job, &imports },
		{ "export", export_job, &exports },
		{ "privacy-clock", requests_clock_job, &privacy_clock },
		/* Closed days are judged off the loops, so attendance reports only read (apps/attendance). */
		{ "attendance-results", att_results_job, NULL },
		{ 0 }
	};

	if (cfg->pending_days < 1 || cfg->pending_days > 365) {
		fprintf(stderr, "atrium: pending-days must be 1 to 365\n");
		goto out;
	}
	if (cfg->node_id > 1023) {
		fprintf(stderr, "atrium: node-id must be 0 to 1023\n");
		goto out;
	}
	/* Files the server makes hold personal data: private to its user, whatever the umask. */
	umask(077);
	if (requests_check_config(cfg, err, sizeof(err))) {
		fprintf(stderr, "atrium: %s\n", err);
		goto out;
	}
	if (cfg->file_image_max < 1 || cfg->file_voice_max < 1) {
		fprintf(stderr, "atrium: file-image-max and file-voice-max must be at least 1 byte\n");
		goto out;
	}
	if (cfg->code_ttl < 1 || cfg->code_ttl > 86400) {
		fprintf(stderr, "atrium: code-ttl must be 1 to 86400 seconds\n");
		goto out;
	}
	id_init((unsigned)cfg->node_id);
	if (prepare_data(cfg))
		goto out;
	if ((lock = lock_data(cfg)) < 0) {
		fprintf(stderr, "atrium: another server is running on '%s'\n", cfg->data);
		goto out;
	}
	if (third_parties_load(cfg->third_parties, err, sizeof(err)) ||
	    !(kr = keyring_load(key_path, err, sizeof(err))) || !(st = store_open(db_path, err, sizeof(err))) ||
	    store_migrate(st, err, sizeof(err)) || !(notify = notify_new(cfg, err, sizeof(err)))) {
		fprintf(stderr, "atrium: %s\n", err);
		goto out;
	}
	audit_set_key(kr);
	/* Members written before the address book kept pinyin keys get theirs before anyone searches. */
	if (member_search_keys_backfill(st) < 0) {
		fprintf(stderr, "atrium: cannot fill the address book's search keys: %s\n", store_errmsg(st));
		goto out;
	}
	/* A tampered audit chain is said loudly at every start, not found by chance later. */
	int64_t bad;
	char why[256];
	if (audit_verify(st, &bad, why, sizeof(why)))
		fprintf(stderr, "atrium: WARNING: the audit chain is broken at entry %lld: %s "
			"(atrium admin audit verify)\n", (long long)bad, why);
	store_close(st);
	st = NULL;
	req_set_authenticator(account_authenticate);
	account_init();
	org_init();
	im_init();
	file_init();
	att_init();
	export_init(export_dir);
	exports.kr = kr;
	erasure.kr = kr;
	erasure.notify = notify;
	imports.kr = kr;
	imports.notify = notify;
	files.kr = kr;
	/* libvips starts once, before any loop or job thread, so no request pays for it. */
	if (image_init()) {
		fprintf(stderr, "atrium: libvips (photos, chat images) cannot start\n");
		goto out;
	}
	if (jobs_start(db_path, jobs, err, sizeof(err))) {
		fprintf(stderr, "atrium: %s\n", err);
		goto out;
	}
	/* Bursts of writes (messages, punches) are stored by one writer thread, in batches. */
	if (writer_start(db_path, err, sizeof(err))) {
		fprintf(stderr, "atrium: %s\n", err);
		goto out;
	}
	rc = http_serve(cfg, db_path, kr, notify);
out:
	writer_stop();
	jobs_stop();
	notify_free(notify);
	store_close(st);
	keyring_free(kr);
	free(key_path);
	free(db_path);
	free(export_dir);
	return rc;
}

int main(int argc, char **argv)
{
	struct config cfg;
	char err[1024];
	char **rest = xcalloc((size_t)argc + 1, sizeof(char *));
	int nrest = 0, rc;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		free(rest);
		return argc < 2 ? 2 : 0;
	}
	if (config_load(&cfg, argc - 2, argv + 2, environ, rest, &nrest, err, sizeof(err))) {
		fprintf(stderr, "atrium: %s\n", err);
		free(rest);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "serve") && nrest == 0) {
		rc = serve(&cfg);
	} else if (!strcmp(cmd, "admin")) {
		rc = admin_main(&cfg, nrest, rest);
	} else if (!strcmp(cmd, "routes") && nrest == 0) {
		http_print_routes(stdout);
		rc = 0;
	} else if (!strcmp(cmd, "version") && nrest == 0) {
		printf("atrium %s\n", ATRIUM_VERSION);
		rc = 0;
	} else {
		fprintf(stderr, "atrium: unknown command or argument; see 'atrium help'\n");
		rc = 2;
	}
	config_release(&cfg);
	free(rest);
	return rc;
}
