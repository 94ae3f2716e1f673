/*
 * Event loops: one h2o loop per thread, each with its own SO_REUSEPORT listener and its own
 * database connection.  The main thread waits for signals and drives a graceful stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "core/clock.h"
#include "core/id.h"
#include "core/mem.h"
#include "http/http.h"
#include "http/internal.h"
#include "http/loop.h"
#include "http/routes.h"
#include "http/ws.h"
#include "core/banned.h"

#define GRACE_MS 10000
#define QUIET_MS 500

/* A loop as other threads reach it (http/loop.h): a queue of posted functions. */
struct loop {
	h2o_evloop_t *evloop;
	h2o_multithread_queue_t *queue;
	h2o_multithread_receiver_t receiver;
	int index;
};

struct posted {
	h2o_multithread_message_t super;
	void (*fn)(void *arg);
	void *arg;
};

/* The loops, set up before the first one runs and never freed: a thread may post to one
 * until the process ends. */
static struct loop *loops;
static atomic_int nloops;
/* Each loop makes its h2o loop and queue on its own thread; the loops are handed out once all
 * have (see run()). */
static pthread_barrier_t loops_made;

struct worker {
	h2o_context_t ctx;
	h2o_accept_ctx_t accept;
	h2o_socket_t *listener;
	int fd;
	struct app app;
	struct logbuf *log;
	pthread_t thread;
	int failed;
	int64_t last_request_us; /* during a graceful stop: when this loop last took a request */
};

struct handler {
	h2o_handler_t super;
};

static atomic_int stopping;
static h2o_globalconf_t globalconf;
static const char *db_file;
static size_t max_body;

/*
 * Replies h2o makes itself, without our handler (413 for a body far past the cap, before it is
 * read; 400 for a broken request), are the only ones without a request id.  This filter gives
 * them one, and turns a 413 into our problem document, so every reply looks alike.
 */
struct problem_ostream {
	h2o_ostream_t super;
	h2o_iovec_t body;
};

static void problem_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t n,
			 h2o_send_state_t state)
{
	struct problem_ostream *p = (struct problem_ostream *)self;
	/* h2o's own text is dropped; ours goes out once, with the last chunk */
	int final = !h2o_send_state_is_in_progress(state);
	h2o_ostream_send_next(self, req, final ? &p->body : NULL, final ? 1 : 0, state);
}

static void on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	if (h2o_find_header_by_str(&req->res.headers, H2O_STRLIT("x-request-id"), -1) < 0) {
		char id[ID_STR_LEN];
		h2o_iovec_t v = h2o_strdup(&req->pool, id_format(id_next(), id), SIZE_MAX);
		h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, NULL,
				      v.base, v.len);
		if (req->res.status == 413) {
			struct problem_ostream *p = (void *)h2o_add_ostream(req, sizeof(*p), slot);
			char body[512];
			int n = snprintf(body, sizeof(body),
				"{\"type\":\"urn:atrium:error:%s\",\"title\":\"%s\",\"status\":413,"
				"\"code\":\"%s\",\"detail\":\"the body is larger than the %zu bytes accepted\","
				"\"request_id\":\"%s\"}", err_code(ERR_BODY_TOO_LARGE),
				err_text(ERR_BODY_TOO_LARGE), err_code(ERR_BODY_TOO_LARGE), max_body, v.base);
			p->body = h2o_strdup(&req->pool, body, (size_t)n);
			p->super.do_send = problem_send;
			req->res.content_length = p->body.len;
			h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
				       H2O_STRLIT("application/problem+json; charset=utf-8"), 1);
			slot = &p->super.next;
		}
	}
	h2o_setup_next_ostream(req, slot);
}

static void register_request_id(h2o_pathconf_t *path)
{
	h2o_filter_t *f = h2o_create_filter(path, sizeof(*f));
	f->on_setup_ostream = on_setup_ostream;
}

void loop_post(struct loop *l, void (*fn)(void *arg), void *arg)
{
	struct posted *p = xcalloc(1, sizeof(*p));
	p->fn = fn;
	p->arg = arg;
	h2o_multithread_send_message(&l->receiver, &p->super);
}

int loop_count(void)
{
	return nloops;
}

struct loop *loop_at(int i)
{
	return i >= 0 && i < nloops ? &loops[i] : NULL;
}

int loop_index(const struct loop *l)
{
	return l->index;
}

struct st_h2o_evloop_t *loop_evloop(struct loop *l)
{
	return l->evloop;
}

static void on_posts(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
	(void)receiver;
	while (!h2o_linklist_is_empty(messages)) {
		struct posted *p = H2O_STRUCT_FROM_MEMBER(struct posted, super.link, messages->next);
		h2o_linklist_unlink(&p->super.link);
		p->fn(p->arg);
		free(p);
	}
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
	(void)self;
	struct worker *w = (struct worker *)req->conn->ctx; /* ctx is the first member */
	if (stopping)
		w->last_request_us = clock_mono_us();
	http_handle(req, &w->app, w->log);
	return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	struct worker *w = listener->data;
	h2o_socket_t *sock;
	if (err)
		return;
	if ((sock = h2o_evloop_socket_accept(listener)) != NULL)
		h2o_accept(&w->accept, sock);
}

static int conns_open(struct worker *w)
{
	return !h2o_linklist_is_empty(&w->ctx.http1._conns) ||
	       !h2o_linklist_is_empty(&w->ctx.http2._conns) || ws_open(&w->app);
}

static void *run(void *arg)
{
	struct worker *w = arg;
	char err[256];
	/* Made here, not by the main thread: h2o gives a socket the read buffers of the thread that
	 * creates it (a thread-local pool without a lock), and the queue's socket is read on this
	 * thread.  Made elsewhere, every loop's queue would share one pool across threads. */
	struct loop *l = w->app.loop;
	l->evloop = h2o_evloop_create();
	l->queue = h2o_multithread_create_queue(l->evloop);
	h2o_multithread_register_receiver(l->queue, &l->receiver, on_posts);
	pthread_barrier_wait(&loops_made);
	h2o_evloop_t *loop = l->evloop;
	h2o_context_init(&w->ctx, loop, &globalconf);
	w->accept.ctx = &w->ctx;
	w->accept.hosts = globalconf.hosts;
	w->app.st = store_open(db_file, err, sizeof(err));
	if (!w->app.st) {
		fprintf(stderr, "atrium: %s\n", err);
		w->failed = 1;
		kill(getpid(), SIGTERM);
		return NULL;
	}
	w->listener = h2o_evloop_socket_create(loop, w->fd, H2O_SOCKET_FLAG_DONT_READ);
	w->listener->data = w;
	h2o_socket_read_start(w->listener, on_accept);

	while (!stopping) {
		h2o_evloop_run(loop, 100);
		logbuf_flush(w->log);
	}
	/* Stop accepting; the kernel sends further connections to loops still listening, or refuses. */
	h2o_socket_read_stop(w->listener);
	h2o_socket_close(w->listener);
	h2o_context_request_shutdown(&w->ctx);
	/* WebSockets left h2o's lists at their upgrade: they are told 1001 and their closing
	 * handshakes run in the wait below. */
	ws_stop(&w->app);
	/* Requests are answered in the loop turn that reads them, so once the loop has been quiet
	 * for a moment only idle keep-alive connections remain (h2o 2.2 does not close those on
	 * shutdown): stop then, or when every connection is gone, or after the grace period. */
	int64_t start = clock_mono_us(), until = start + GRACE_MS * 1000;
	w->last_request_us = start;
	while (conns_open(w) && clock_mono_us() < until &&
	       clock_mono_us() - w->last_request_us < QUIET_MS * 1000) {
		h2o_evloop_run(loop, 50);
		logbuf_flush(w->log);
	}
	logbuf_flush(w->log);
	return NULL;
}

static int parse_listen(const char *spec, struct sockaddr_storage *sa, socklen_t *salen)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || strlen(colon + 1) == 0)
		return -1;
	size_t hl = (size_t)(colon - spec);
	if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') {
		spec++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM }, *res;
	if (getaddrinfo(host, colon + 1, &hints, &res))
		return -1;
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*salen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int open_listener(struct sockaddr_storage *sa, socklen_t salen)
{
	int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) ||
	    bind(fd, (struct sockaddr *)sa, salen) || listen(fd, SOMAXCONN)) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

static SSL_CTX *tls_context(const struct config *cfg)
{
	SSL_CTX *ssl = SSL_CTX_new(TLS_server_method());
	SSL_CTX_set_min_proto_version(ssl, TLS1_2_VERSION);
	SSL_CTX_set_options(ssl, SSL_OP_NO_COMPRESSION);
	if (SSL_CTX_use_certificate_chain_file(ssl, cfg->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ssl, cfg->tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ssl) != 1) {
		fprintf(stderr, "atrium: cannot use TLS certificate '%s' and key '%s': %s\n", cfg->tls_cert,
			cfg->tls_key, ERR_error_string(ERR_get_error(), NULL));
		SSL_CTX_free(ssl);
		return NULL;
	}
	h2o_ssl_register_alpn_protocols(ssl, h2o_http2_alpn_protocols);
	return ssl;
}

static int open_log(const struct config *cfg)
{
	if (!strcmp(cfg->access_log, "off"))
		return -1;
	if (!strcmp(cfg->access_log, "-"))
		return dup(STDOUT_FILENO);
	char path[4096];
	if (*cfg->access_log) {
		snprintf(path, sizeof(path), "%s", cfg->access_log);
	} else {
		snprintf(path, sizeof(path), "%s/logs", cfg->data);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/logs/access.jsonl", cfg->data);
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		fprintf(stderr, "atrium: cannot open access log '%s': %s (continuing without)\n", path,
			strerror(errno));
	return fd;
}

int http_serve(const struct config *cfg, const char *db_path, const struct keyring *kr,
	       struct notify *notify)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	SSL_CTX *ssl = NULL;
	int nthreads = cfg->threads > 0 ? (int)cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > 256)
		nthreads = 256;
	if (parse_listen(cfg->listen, &sa, &salen)) {
		fprintf(stderr, "atrium: listen address '%s' is not HOST:PORT\n", cfg->listen);
		return 1;
	}
	if (!*cfg->tls_cert != !*cfg->tls_key) {
		fprintf(stderr, "atrium: tls-cert and tls-key go together\n");
		return 1;
	}
	if (*cfg->tls_cert && !(ssl = tls_context(cfg)))
		return 1;
	db_file = db_path;

	h2o_config_init(&globalconf);
	globalconf.server_name = h2o_iovec_init(H2O_STRLIT("atrium"));
	/* h2o refuses larger bodies itself, without our problem document; let one byte past the cap
	 * through so the handler says body_too_large, and stop anything far larger at the door. */
	globalconf.max_request_entity_size =
		((size_t)cfg->max_body * 4 > (size_t)cfg->max_upload ? (size_t)cfg->max_body * 4 : (size_t)cfg->max_upload) + 4096;
	globalconf.http1.req_timeout = (uint64_t)cfg->idle_timeout * 1000;
	globalconf.http2.idle_timeout = (uint64_t)cfg->idle_timeout * 1000;
	globalconf.handshake_timeout = (uint64_t)cfg->idle_timeout * 1000;
	h2o_hostconf_t *host = h2o_config_register_host(&globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
	struct handler *hd = (struct handler *)h2o_create_handler(path, sizeof(*hd));
	hd->super.on_req = on_req;
	register_request_id(path);
	register_request_id(&host->fallback_path);
	max_body = (size_t)cfg->max_body;

	/* Signals go to this thread only: loops never see them. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct worker *workers = xcalloc((size_t)nthreads, sizeof(*workers));
	int logfd = open_log(cfg), rc = 0;
	for (int i = 0; i < nthreads; i++) {
		workers[i].fd = open_listener(&sa, salen);
		if (workers[i].fd < 0) {
			fprintf(stderr, "atrium: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
			return 1;
		}
		if (i == 0) { /* port 0 picks one: the other loops join the same one */
			getsockname(workers[0].fd, (struct sockaddr *)&sa, &salen);
		}
	}
	char hostbuf[64], portbuf[16];
	getnameinfo((struct sockaddr *)&sa, salen, hostbuf, sizeof(hostbuf), portbuf, sizeof(portbuf),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	printf("atrium: listening on %s://%s%s%s:%s (%d loops)\n", ssl ? "https" : "http",
	       sa.ss_family == AF_INET6 ? "[" : "", hostbuf, sa.ss_family == AF_INET6 ? "]" : "",
	       portbuf, nthreads);
	if (notify_sms_outbox(notify))
		printf("atrium: development SMS codes are written to %s\n", notify_sms_outbox(notify));
	fflush(stdout);

	loops = xcalloc((size_t)nthreads, sizeof(*loops));
	for (int i = 0; i < nthreads; i++) {
		struct loop *l = &loops[i];
		l->index = i;
		workers[i].app.loop = l;
	}
	pthread_barrier_init(&loops_made, NULL, (unsigned)nthreads + 1);
	for (int i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];
		w->app.kr = kr;
		w->app.cfg = cfg;
		w->app.notify = notify;
		w->app.tls = ssl != NULL;
		w->accept.ssl_ctx = ssl;
		w->log = xcalloc(1, sizeof(*w->log));
		w->log->fd = logfd;
		pthread_create(&w->thread, NULL, run, w);
	}
	pthread_barrier_wait(&loops_made); /* every loop can take posts from here on */
	nloops = nthreads;

	int sig;
	sigwait(&sigs, &sig);
	stopping = 1;
	/* A second signal while requests finish: leave at once (every commit is already durable). */
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	for (int i = 0; i < nthreads; i++) {
		pthread_join(workers[i].thread, NULL);
		rc |= workers[i].failed;
	}
	for (int i = 0; i < nthreads; i++) {
		store_close(workers[i].app.st);
		free(workers[i].log);
	}
	if (logfd >= 0)
		close(logfd);
	free(workers);
	if (ssl)
		SSL_CTX_free(ssl);
	printf("atrium: stopped\n");
	return rc;
}

void http_print_routes(FILE *out)
{
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *rt = *t; rt->method; rt++)
			fprintf(out, "%s %s\n", rt->method, rt->path);
}
