/* SMS and e-mail providers, and in-app notifications. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include "core/clock.h"
#include "core/id.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "notify/notify.h"
#include "core/banned.h"

enum provider { OUTBOX, HTTP, SMTP };

struct message {
	struct message *next;
	int email;
	char *to, *subject, *text;
};

struct notify {
	enum provider sms, email;
	char *sms_path, *email_path;
	char *http_url, *http_auth, *http_body, *smtp_url, *smtp_from, *smtp_user, *smtp_password;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct message *head, **tail;
	int stopping, has_thread;
	pthread_t thread;
};

static void message_free(struct message *m)
{
	free(m->to);
	free(m->subject);
	free(m->text);
	free(m);
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t upload_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t take = u->len - u->off < size * n ? u->len - u->off : size * n;
	memcpy(buf, u->data + u->off, take);
	u->off += take;
	return take;
}

/* The gateway's body: the template with {{to}} and {{text}} replaced by JSON-escaped values
 * (the template puts them inside its own quotes).  malloc'ed. */
static char *fill_template(const char *tpl, const char *to, const char *text)
{
	struct jsonw w;
	jsonw_init(&w);
	for (const char *p = tpl; *p;) {
		const char *value = NULL;
		size_t skip = 0;
		if (!strncmp(p, "{{to}}", 6))
			value = to, skip = 6;
		else if (!strncmp(p, "{{text}}", 8))
			value = text, skip = 8;
		if (value) {
			/* a quoted JSON string without its quotes */
			struct jsonw q;
			jsonw_init(&q);
			jsonw_str(&q, NULL, value);
			jsonw_raw(&w, NULL, q.buf + 1, q.len - 2);
			jsonw_release(&q);
			w.comma = 0;
			p += skip;
		} else {
			jsonw_raw(&w, NULL, p, 1);
			w.comma = 0;
			p++;
		}
	}
	char *out = xstrdup(w.buf);
	jsonw_release(&w);
	return out;
}

static int send_http(struct notify *n, struct message *m)
{
	char *json = fill_template(n->http_body, m->to, m->text);
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	if (*n->http_auth) {
		size_t len = strlen(n->http_auth) + 32;
		char *auth = xmalloc(len);
		snprintf(auth, len, "Authorization: %s", n->http_auth);
		h = curl_slist_append(h, auth);
		free(auth);
	}
	curl_easy_setopt(c, CURLOPT_URL, n->http_url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(json);
	if (rc != CURLE_OK || status < 200 || status > 299) {
		fprintf(stderr, "atrium: SMS provider failed: %s (HTTP %ld)\n", curl_easy_strerror(rc), status);
		return -1;
	}
	return 0;
}

/* base64 for an RFC 2047 encoded word, so a Chinese subject survives any mail server. */
static char *b64(const char *in)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)in;
	size_t sl = strlen(in), o = 0;
	char *out = xmalloc(((sl + 2) / 3) * 4 + 1);
	for (size_t i = 0; i < sl; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < sl ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < sl ? s[i + 2] : 0);
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < sl ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < sl ? tab[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* The text with every line ending as CRLF, as SMTP requires. */
static char *crlf(const char *text)
{
	char *out = xmalloc(strlen(text) * 2 + 1), *o = out;
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static int send_smtp(struct notify *n, struct message *m)
{
	char *subject = b64(m->subject), *body = crlf(m->text), date[64], msgid[ID_STR_LEN];
	const char *domain = strchr(n->smtp_from, '@');
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	id_format(id_next(), msgid);
	size_t len = strlen(body) + strlen(subject) + strlen(m->to) + 2 * strlen(n->smtp_from) + 512;
	char *mail = xmalloc(len);
	snprintf(mail, len,
		 "Date: %s\r\nMessage-ID: <%s%s>\r\nFrom: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\n"
		 "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		 "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
		 date, msgid, domain ? domain : "@atrium", n->smtp_from, m->to, subject, body);
	free(subject);
	free(body);
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = curl_slist_append(NULL, m->to);
	struct upload u = { mail, strlen(mail), 0 };
	curl_easy_setopt(c, CURLOPT_URL, n->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, n->smtp_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	if (*n->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, n->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, n->smtp_password);
	}
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	free(mail);
	if (rc != CURLE_OK) {
		fprintf(stderr, "atrium: SMTP failed: %s\n", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

static void *sender(void *arg)
{
	struct notify *n = arg;
	pthread_mutex_lock(&n->lock);
	for (;;) {
		while (!n->head && !n->stopping)
			pthread_cond_wait(&n->wake, &n->lock);
		struct message *m = n->head;
		if (!m)
			break;
		n->head = m->next;
		if (!n->head)
			n->tail = &n->head;
		pthread_mutex_unlock(&n->lock);
		if (m->email)
			send_smtp(n, m);
		else
			send_http(n, m);
		message_free(m);
		pthread_mutex_lock(&n->lock);
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

static int provider(const char *name, const char *remote, enum provider remote_kind,
		    enum provider *out)
{
	if (!strcmp(name, "outbox"))
		*out = OUTBOX;
	else if (!strcmp(name, remote))
		*out = remote_kind;
	else
		return -1;
	return 0;
}

static char *join(const char *dir, const char *file)
{
	size_t len = strlen(dir) + strlen(file) + 2;
	char *p = xmalloc(len);
	snprintf(p, len, "%s/%s", dir, file);
	return p;
}

struct notify *notify_new(const struct config *cfg, char *err, size_t errlen)
{
	struct notify *n = xcalloc(1, sizeof(*n));
	if (provider(cfg->sms_provider, "http", HTTP, &n->sms)) {
		snprintf(err, errlen, "sms-provider must be 'outbox' or 'http', not '%s'", cfg->sms_provider);
		goto fail;
	}
	if (provider(cfg->email_provider, "smtp", SMTP, &n->email)) {
		snprintf(err, errlen, "email-provider must be 'outbox' or 'smtp', not '%s'", cfg->email_provider);
		goto fail;
	}
	if (n->sms == HTTP && !*cfg->sms_http_url) {
		snprintf(err, errlen, "sms-provider 'http' needs sms-http-url");
		goto fail;
	}
	if (n->sms == HTTP) {
		/* A template that does not make JSON would fail every send: say so at start. */
		char *sample = fill_template(cfg->sms_http_body, "+8613800138000", "a \"sample\"\n");
		json_t *v = json_loads(sample, 0, NULL);
		free(sample);
		json_decref(v);
		if (!v) {
			snprintf(err, errlen, "sms-http-body '%.200s' does not make a JSON body", cfg->sms_http_body);
			goto fail;
		}
	}
	if (n->email == SMTP && (!*cfg->smtp_url || !*cfg->smtp_from)) {
		snprintf(err, errlen, "email-provider 'smtp' needs smtp-url and smtp-from");
		goto fail;
	}
	char *outbox = join(cfg->data, "outbox");
	mkdir(outbox, 0700);
	n->sms_path = join(outbox, "sms.jsonl");
	n->email_path = join(outbox, "email.jsonl");
	free(outbox);
	n->http_url = xstrdup(cfg->sms_http_url);
	n->http_auth = xstrdup(cfg->sms_http_auth);
	n->http_body = xstrdup(cfg->sms_http_body);
	n->smtp_url = xstrdup(cfg->smtp_url);
	n->smtp_from = xstrdup(cfg->smtp_from);
	n->smtp_user = xstrdup(cfg->smtp_user);
	n->smtp_password = xstrdup(cfg->smtp_password);
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->wake, NULL);
	n->tail = &n->head;
	if (n->sms != OUTBOX || n->email != OUTBOX) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		pthread_create(&n->thread, NULL, sender, n);
		n->has_thread = 1;
	}
	return n;
fail:
	free(n);
	return NULL;
}

void notify_free(struct notify *n)
{
	if (!n)
		return;
	if (n->has_thread) {
		pthread_mutex_lock(&n->lock);
		n->stopping = 1;
		pthread_cond_signal(&n->wake);
		pthread_mutex_unlock(&n->lock);
		pthread_join(n->thread, NULL);
	}
	free(n->sms_path);
	free(n->email_path);
	free(n->http_url);
	free(n->http_auth);
	free(n->http_body);
	free(n->smtp_url);
	free(n->smtp_from);
	free(n->smtp_user);
	free(n->smtp_password);
	free(n);
}

const char *notify_sms_outbox(const struct notify *n)
{
	return n->sms == OUTBOX ? n->sms_path : NULL;
}

/* One write() of one line with O_APPEND: lines from several loops never interleave. */
static int append_line(const char *path, json_t *obj)
{
	char *line = json_dumps(obj, JSON_COMPACT);
	size_t len = strlen(line);
	line = xrealloc(line, len + 2);
	line[len++] = '\n';
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600), rc = -1;
	if (fd >= 0) {
		flock(fd, LOCK_EX); /* notify_forget() may be rewriting the file */
		rc = write(fd, line, len) == (ssize_t)len ? 0 : -1;
		close(fd);
	}
	if (rc)
		fprintf(stderr, "atrium: cannot append to '%s': %s\n", path, strerror(errno));
	free(line);
	return rc;
}

static void enqueue(struct notify *n, int email, const char *to, const char *subject, const char *text)
{
	struct message *m = xcalloc(1, sizeof(*m));
	m->email = email;
	m->to = xstrdup(to);
	m->subject = xstrdup(subject ? subject : "");
	m->text = xstrdup(text);
	pthread_mutex_lock(&n->lock);
	*n->tail = m;
	n->tail = &m->next;
	pthread_cond_signal(&n->wake);
	pthread_mutex_unlock(&n->lock);
}

static int outbox(const char *path, const char *to, const char *kind, const char *purpose,
		  const char *code, const char *subject, const char *text)
{
	char now[CLOCK_RFC3339_LEN];
	json_t *o = json_pack("{s:s, s:s, s:s}", "time", clock_format(clock_now_ms(), now), "to", to,
			      "kind", kind);
	if (purpose)
		json_object_set_new(o, "purpose", json_string(purpose));
	if (code)
		json_object_set_new(o, "code", json_string(code));
	if (subject)
		json_object_set_new(o, "subject", json_string(subject));
	json_object_set_new(o, "text", json_string(text));
	int rc = append_line(path, o);
	json_decref(o);
	return rc;
}

int notify_sms(struct notify *n, const char *to, const char *kind, const char *purpose,
	       const char *code, const char *text)
{
	if (n->sms == OUTBOX)
		return outbox(n->sms_path, to, kind, purpose, code, NULL, text);
	enqueue(n, 0, to, NULL, text);
	return 0;
}

int notify_email(struct notify *n, const char *to, const char *kind, const char *purpose,
		 const char *code, const char *subject, const char *text)
{
	if (n->email == OUTBOX)
		return outbox(n->email_path, to, kind, purpose, code, subject, text);
	enqueue(n, 1, to, subject, text);
	return 0;
}

/* Rewrites path without the lines holding any of the strings, under the file's lock. */
static int strike(const char *path, const char *const *strings, int count)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	flock(fd, LOCK_EX);
	struct stat sb;
	int rc = -1;
	char *buf = NULL;
	if (fstat(fd, &sb))
		goto out;
	buf = xmalloc((size_t)sb.st_size + 1);
	ssize_t got = pread(fd, buf, (size_t)sb.st_size, 0);
	if (got != sb.st_size)
		goto out;
	buf[got] = '\0';
	size_t keep = 0;
	for (char *line = buf, *end; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		int hit = 0;
		for (int i = 0; i < count && !hit; i++) {
			char save = *end;
			*end = '\0';
			hit = strstr(line, strings[i]) != NULL;
			*end = save;
		}
		if (!hit) {
			memmove(buf + keep, line, (size_t)(end - line));
			keep += (size_t)(end - line);
		}
	}
	/* In place, under the lock: the struck lines' bytes are overwritten, not left in a file
	 * that was merely unlinked. */
	if (pwrite(fd, buf, keep, 0) != (ssize_t)keep || ftruncate(fd, (off_t)keep) || fsync(fd))
		goto out;
	rc = 0;
out:
	if (buf) {
		memset(buf, 0, (size_t)sb.st_size);
		free(buf);
	}
	close(fd);
	return rc;
}

int notify_forget(struct notify *n, const char *const *strings, int count)
{
	int rc = strike(n->sms_path, strings, count);
	return strike(n->email_path, strings, count) || rc ? -1 : 0;
}

int notify_inapp(struct store *st, int64_t user, const char *kind, const char *title,
		 const char *body, int64_t at)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO notifications (id, user_id, kind, title, body, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, id_next());
	store_bind_int(s, 2, user);
	store_bind_text(s, 3, kind, -1);
	store_bind_text(s, 4, title, -1);
	store_bind_text(s, 5, body, -1);
	store_bind_int(s, 6, at);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

json_t *notify_list(struct store *st, int64_t user, int64_t cursor, int limit, int64_t *next)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT id, kind, title, body, created_at, read_at FROM notifications"
		" WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
	store_bind_int(s, 1, user);
	store_bind_int(s, 2, cursor > 0 ? cursor : INT64_MAX);
	store_bind_int(s, 3, limit + 1);
	json_t *list = json_array();
	int64_t last = 0;
	*next = 0;
	while (store_step(s) == STORE_ROW) {
		if ((int)json_array_size(list) == limit) {
			*next = last;
			store_reset(s);
			break;
		}
		char id[ID_STR_LEN], at[CLOCK_RFC3339_LEN];
		last = store_col_int(s, 0);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}",
			"id", id_format(last, id), "kind", store_col_text(s, 1), "title", store_col_text(s, 2),
			"body", store_col_text(s, 3), "created_at", clock_format(store_col_int(s, 4), at),
			"read", !store_col_is_null(s, 5)));
	}
	return list;
}
