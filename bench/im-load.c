/*
 * The load client of bench/im: many sockets on one epoll loop, so that the client costs little
 * of the two cores it shares with the servers it measures.  It speaks just enough HTTP/1.1,
 * WebSocket (RFC 6455, client side) and MQTT 3.1.1 (QoS 0) for the bench; it is no general
 * client.  bench/im compiles it with the system compiler and drives it over stdin/stdout.
 *
 *   im-load ws-fanout   port=P file=F [pid=PID] [conns=64] [per=100]
 *   im-load mqtt-fanout port=P groups=G per=100 [pid=PID] [conns=G] [payload=BYTES]
 *       connect the receivers, say "ready N", then run each "step ID RATE SECONDS" read from
 *       stdin: RATE sends a second in all, spread over the groups, for SECONDS; answer one
 *       "result key=value …" line once every delivery came or the drain time ran out.
 *   im-load ws-idle   port=P file=F n=N      connect N signed-in sockets, say "ready N", then
 *   im-load mqtt-idle port=P n=N             hold them (answering pings) until stdin ends.
 *   im-load durable port=P file=F conns=C seconds=S rounds=R [pid=PID]
 *       C connections each sending to one conversation as fast as answers come; one "round"
 *       line per round of S seconds.
 *   im-load health  port=P conns=C seconds=S rounds=R [pid=PID]     the same with GET /health.
 *   (durable takes text=T too: that text in every send, instead of the bench's own.)
 *
 * F has one line per member: "EID CID TOKEN"; fan-out files list each group's members
 * together, `per` of them a group.  A send's text is "bench STEP SEQ NS", NS the monotonic
 * clock in nanoseconds of the moment it was due, which every receiver turns into a latency.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF (1 << 20)
#define CONNECTING_MAX 256 /* handshakes in progress at once: the listen backlogs stay short */
#define DRAIN_NS 3000000000ull

enum kind { WS_RX, MQTT_RX, HTTP_TX, MQTT_TX };
enum state { ST_CONNECTING, ST_HANDSHAKE, ST_AUTH, ST_READY, ST_DEAD };

struct conn {
	int fd;
	uint8_t kind, state;
	int group;
	const char *token;
	uint8_t *in;          /* bytes of an incomplete frame or reply, kept between reads */
	size_t inlen;
	uint8_t *out;         /* bytes not yet written */
	size_t outlen, outcap;
	uint64_t due;         /* HTTP: the due time of the request in flight, 0 when idle */
	int64_t seq;
};

struct member {
	char eid[24], cid[24], token[64];
};

struct send {
	uint64_t due;
	int group;
	int64_t seq;
};

struct samples {
	uint32_t *v; /* microseconds */
	size_t n, cap;
};

static struct {
	const char *mode;
	int port, pid, conns, per, groups, payload, n, seconds, rounds;
	const char *file, *text;
	struct member *members;
	size_t nmembers;
	int ep;
	struct conn **rx, **tx;
	size_t nrx, ntx;
	size_t connecting, ready_rx;
	/* the step under way */
	int step;
	uint64_t step_start, gen_end, next_due, interval_ns, last_delivery;
	int generating;
	int64_t seq;
	uint64_t sent, acked, errors, delivered, stale, total; /* total: acked over all rounds, warm-up too */
	struct samples lat, ack;
	struct send *queue; /* sends due that wait for an idle connection */
	size_t qhead, qlen, qcap, qmax; /* qmax: most sends waiting at once in this step */
	int stdin_open;
	char errbuf[512];
} g;

static uint8_t rbuf[RBUF];

static void die(const char *msg)
{
	fprintf(stderr, "im-load: %s%s%s\n", msg, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p && n)
		die("out of memory");
	return p;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sample(struct samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1 << 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	uint64_t us = ns / 1000;
	s->v[s->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The q-quantile in ms of s, counting `missing` samples as infinitely late (-1: infinite). */
static double quantile(struct samples *s, size_t missing, double q)
{
	size_t total = s->n + missing;
	if (!total)
		return 0;
	size_t i = (size_t)(q * (double)total);
	if (i >= total)
		i = total - 1;
	if (i >= s->n)
		return -1;
	return s->v[i] / 1000.0;
}

/* CPU seconds of this process and of process pid (0: none). */
static double cpu_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double cpu_of(int pid)
{
	char path[64], buf[1024];
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	unsigned long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds the whole machine spent busy (not idle, not waiting on the disk), all cores. */
static double cpu_machine(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return 0;
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		       &v[6], &v[7]);
	fclose(f);
	if (n != 8)
		return 0;
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- sockets ---- */

static void watch(struct conn *c, int out)
{
	struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c };
	if (epoll_ctl(g.ep, EPOLL_CTL_MOD, c->fd, &ev))
		die("epoll_ctl");
}

static struct conn *conn_open(enum kind kind)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		die("out of memory");
	c->kind = kind;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket (is ulimit -n high enough?)");
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g.port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS)
		die("connect");
	c->state = ST_CONNECTING;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
	if (epoll_ctl(g.ep, EPOLL_CTL_ADD, c->fd, &ev))
		die("epoll_ctl");
	return c;
}

/* Writes what is pending; the rest waits for EPOLLOUT.  -1 when the socket failed. */
static int flush(struct conn *c)
{
	while (c->outlen) {
		ssize_t n = write(c->fd, c->out, c->outlen);
		if (n < 0) {
			if (errno == EAGAIN) {
				watch(c, 1);
				return 0;
			}
			return -1;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
	watch(c, 0);
	return 0;
}

static void queue_out(struct conn *c, const void *p, size_t n)
{
	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2;
		c->out = xrealloc(c->out, c->outcap);
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

static void put(struct conn *c, const void *p, size_t n)
{
	int was_empty = !c->outlen;
	queue_out(c, p, n);
	if (was_empty && c->state != ST_CONNECTING && flush(c)) {
		snprintf(g.errbuf, sizeof(g.errbuf), "write failed: %s", strerror(errno));
		c->state = ST_DEAD;
	}
}

/* A masked client frame (RFC 6455 5.3: every client frame is masked). */
static void ws_put(struct conn *c, int opcode, const void *payload, size_t len)
{
	uint8_t h[14], mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
	size_t hl = 0;
	h[hl++] = (uint8_t)(0x80 | opcode);
	if (len < 126) {
		h[hl++] = (uint8_t)(0x80 | len);
	} else {
		h[hl++] = 0x80 | 126;
		h[hl++] = (uint8_t)(len >> 8);
		h[hl++] = (uint8_t)len;
	}
	memcpy(h + hl, mask, 4);
	hl += 4;
	uint8_t *p = malloc(hl + len);
	if (!p)
		die("out of memory");
	memcpy(p, h, hl);
	for (size_t i = 0; i < len; i++)
		p[hl + i] = ((const uint8_t *)payload)[i] ^ mask[i & 3];
	put(c, p, hl + len);
	free(p);
}

static size_t mqtt_len(uint8_t *p, size_t n)
{
	size_t i = 0;
	do {
		uint8_t b = (uint8_t)(n % 128);
		n /= 128;
		p[i++] = b | (n ? 0x80 : 0);
	} while (n);
	return i;
}

/* An MQTT packet: fixed header byte, remaining length, body. */
static void mqtt_put(struct conn *c, uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t h[5];
	h[0] = type;
	size_t hl = 1 + mqtt_len(h + 1, len);
	int was_empty = !c->outlen;
	queue_out(c, h, hl);
	queue_out(c, body, len);
	if (was_empty && c->state != ST_CONNECTING && flush(c))
		c->state = ST_DEAD;
}

static size_t mqtt_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);
	p[0] = (uint8_t)(n >> 8);
	p[1] = (uint8_t)n;
	memcpy(p + 2, s, n);
	return n + 2;
}

/* ---- what each kind of connection says first ---- */

static void on_connected(struct conn *c)
{
	char buf[512];
	int n;
	switch (c->kind) {
	case WS_RX:
		n = snprintf(buf, sizeof(buf),
			     "GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
			     g.port);
		c->state = ST_HANDSHAKE;
		put(c, buf, (size_t)n);
		break;
	case MQTT_RX:
	case MQTT_TX: {
		uint8_t body[128];
		size_t l = mqtt_str(body, "MQTT");
		body[l++] = 4;    /* 3.1.1 */
		body[l++] = 0x02; /* clean session */
		body[l++] = 0;    /* keep-alive off: the bench's sockets are not left silent for long */
		body[l++] = 0;
		char id[32];
		snprintf(id, sizeof(id), "b%d-%p", c->kind, (void *)c);
		l += mqtt_str(body + l, id);
		c->state = ST_HANDSHAKE;
		mqtt_put(c, 0x10, body, l);
		break;
	}
	case HTTP_TX:
		c->state = ST_READY;
		break;
	}
	if (flush(c))
		c->state = ST_DEAD;
}

/* ---- receiving ---- */

/* A text of a send: "bench STEP SEQ NS". */
static void on_payload(const uint8_t *p, size_t len)
{
	const uint8_t *m = memmem(p, len, "bench ", 6);
	if (!m)
		return;
	/* parsed by hand: at a million deliveries a second, sscanf would be much of the client */
	const uint8_t *end = p + len;
	uint64_t f[3] = { 0, 0, 0 };
	m += 6;
	for (int i = 0; i < 3; i++) {
		if (m >= end || *m < '0' || *m > '9')
			return;
		while (m < end && *m >= '0' && *m <= '9')
			f[i] = f[i] * 10 + (uint64_t)(*m++ - '0');
		m++;
	}
	int step = (int)f[0];
	uint64_t due = f[2];
	if (step != g.step) {
		g.stale++;
		return;
	}
	uint64_t t = now_ns();
	g.delivered++;
	g.last_delivery = t;
	sample(&g.lat, t > due ? t - due : 0);
}

static void ws_text(struct conn *c, const uint8_t *p, size_t len)
{
	if (c->state == ST_AUTH) {
		if (memmem(p, len, "\"ready\"", 7)) {
			c->state = ST_READY;
			g.ready_rx++;
			g.connecting--;
		} else {
			snprintf(g.errbuf, sizeof(g.errbuf), "auth answered %.*s", (int)(len > 200 ? 200 : len), p);
		}
		return;
	}
	on_payload(p, len);
}

/* Consumes whole frames of p[0..n); returns the bytes used. */
static size_t ws_input(struct conn *c, const uint8_t *p, size_t n)
{
	size_t used = 0;
	if (c->state == ST_HANDSHAKE) {
		const uint8_t *end = memmem(p, n, "\r\n\r\n", 4);
		if (!end)
			return 0;
		if (n < 12 || memcmp(p, "HTTP/1.1 101", 12)) {
			snprintf(g.errbuf, sizeof(g.errbuf), "upgrade refused: %.*s", (int)(n > 200 ? 200 : n), p);
			c->state = ST_DEAD;
			return n;
		}
		used = (size_t)(end - p) + 4;
		char auth[160];
		int l = snprintf(auth, sizeof(auth), "{\"type\":\"auth\",\"token\":\"%s\"}", c->token);
		c->state = ST_AUTH;
		ws_put(c, 1, auth, (size_t)l);
	}
	while (n - used >= 2) {
		const uint8_t *f = p + used;
		size_t avail = n - used, hl = 2;
		uint64_t len = f[1] & 0x7f;
		if (len == 126) {
			if (avail < 4)
				break;
			len = (uint64_t)f[2] << 8 | f[3];
			hl = 4;
		} else if (len == 127) {
			if (avail < 10)
				break;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = len << 8 | f[2 + i];
			hl = 10;
		}
		if (avail < hl + len)
			break;
		int op = f[0] & 0x0f;
		const uint8_t *pl = f + hl;
		if (op == 1)
			ws_text(c, pl, (size_t)len);
		else if (op == 9)
			ws_put(c, 10, pl, (size_t)len);
		else if (op == 8) {
			snprintf(g.errbuf, sizeof(g.errbuf), "the server closed a socket: %.*s",
				 (int)(len > 2 ? len - 2 : 0), (const char *)pl + 2);
			c->state = ST_DEAD;
		}
		used += hl + (size_t)len;
	}
	return used;
}

static size_t mqtt_input(struct conn *c, const uint8_t *p, size_t n)
{
	size_t used = 0;
	while (n - used >= 2) {
		const uint8_t *f = p + used;
		size_t avail = n - used, len = 0, i = 1, mul = 1;
		for (;; i++) {
			if (i >= avail)
				return used;
			len += (f[i] & 0x7f) * mul;
			mul *= 128;
			if (!(f[i] & 0x80) || i == 4)
				break;
		}
		size_t hl = i + 1;
		if (avail < hl + len)
			break;
		const uint8_t *body = f + hl;
		switch (f[0] >> 4) {
		case 2: /* CONNACK */
			if (len < 2 || body[1]) {
				snprintf(g.errbuf, sizeof(g.errbuf), "CONNACK refused (%d)", len >= 2 ? body[1] : -1);
				c->state = ST_DEAD;
			} else if (c->kind == MQTT_TX) {
				c->state = ST_READY;
			} else {
				uint8_t sub[64];
				char topic[32];
				snprintf(topic, sizeof(topic), "bench/%d", c->group);
				sub[0] = 0;
				sub[1] = 1;
				size_t l = 2 + mqtt_str(sub + 2, topic);
				sub[l++] = 0; /* QoS 0 */
				c->state = ST_AUTH;
				mqtt_put(c, 0x82, sub, l);
			}
			break;
		case 9: /* SUBACK */
			if (c->state == ST_AUTH) {
				c->state = ST_READY;
				g.ready_rx++;
				g.connecting--;
			}
			break;
		case 3: /* PUBLISH, QoS 0: topic, then the payload */
			if (len >= 2) {
				size_t tl = (size_t)body[0] << 8 | body[1];
				if (2 + tl <= len)
					on_payload(body + 2 + tl, len - 2 - tl);
			}
			break;
		}
		used += hl + len;
	}
	return used;
}

static void http_request(struct conn *c, struct send *s);
static void dispatch(void);

/* One whole HTTP reply of p[0..n), or 0 bytes when it has not all come. */
static size_t http_input(struct conn *c, const uint8_t *p, size_t n)
{
	const uint8_t *end = memmem(p, n, "\r\n\r\n", 4);
	if (!end)
		return 0;
	size_t hl = (size_t)(end - p) + 4, body = 0;
	const uint8_t *cl = NULL;
	for (const uint8_t *q = p; q < end; q++) {
		if (*q == '\n' && end - q > 16 && !strncasecmp((const char *)q + 1, "content-length:", 15)) {
			cl = q + 16;
			break;
		}
	}
	if (cl)
		body = strtoul((const char *)cl, NULL, 10);
	if (n < hl + body)
		return 0;
	int status = n > 12 ? (int)strtol((const char *)p + 9, NULL, 10) : 0;
	uint64_t t = now_ns();
	/* a send is stored once (201); 200 would be a send taken for a retry of an earlier one */
	if (status == (strcmp(g.mode, "health") ? 201 : 200)) {
		g.acked++;
		sample(&g.ack, t - c->due);
	} else {
		g.errors++;
		snprintf(g.errbuf, sizeof(g.errbuf), "reply %.*s", (int)((hl + body) > 300 ? 300 : hl + body), p);
	}
	c->due = 0;
	return hl + body;
}

/* A connection failed: receivers are lost (and counted); senders come back. */
static void conn_failed(struct conn *c)
{
	epoll_ctl(g.ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->in);
	c->in = NULL;
	c->inlen = 0;
	c->outlen = 0;
	if (c->kind == HTTP_TX) {
		if (c->due) {
			g.errors++;
			c->due = 0;
		}
		struct conn *fresh = conn_open(HTTP_TX);
		c->fd = fresh->fd;
		c->state = ST_CONNECTING;
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
		epoll_ctl(g.ep, EPOLL_CTL_MOD, c->fd, &ev);
		free(fresh);
		return;
	}
	if (c->state == ST_READY && g.ready_rx)
		g.ready_rx--;
	else if (c->state != ST_READY && g.connecting)
		g.connecting--;
	c->state = ST_DEAD;
	c->fd = -1;
	if (!*g.errbuf)
		snprintf(g.errbuf, sizeof(g.errbuf), "a receiver's socket closed");
	fprintf(stderr, "im-load: %s\n", g.errbuf);
}

static void on_readable(struct conn *c)
{
	for (;;) {
		size_t have = c->inlen;
		if (have)
			memcpy(rbuf, c->in, have);
		ssize_t r = read(c->fd, rbuf + have, RBUF - have);
		if (r <= 0) {
			if (r < 0 && errno == EAGAIN)
				return;
			conn_failed(c);
			return;
		}
		size_t n = have + (size_t)r, used = 0, u;
		do {
			switch (c->kind) {
			case WS_RX: u = ws_input(c, rbuf + used, n - used); break;
			case HTTP_TX: u = http_input(c, rbuf + used, n - used); break;
			default: u = mqtt_input(c, rbuf + used, n - used); break;
			}
			used += u;
		} while (u && used < n && c->kind == HTTP_TX);
		if (c->state == ST_DEAD) {
			conn_failed(c);
			return;
		}
		if (used < n) {
			c->in = xrealloc(c->in, n - used);
			memcpy(c->in, rbuf + used, n - used);
		} else {
			free(c->in);
			c->in = NULL;
		}
		c->inlen = n - used;
		if (c->kind == HTTP_TX && !c->due)
			dispatch();
		if ((size_t)r < RBUF - have)
			return;
	}
}

static void on_event(struct conn *c, uint32_t events)
{
	if (c->state == ST_DEAD)
		return;
	if (c->state == ST_CONNECTING && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		int err = 0;
		socklen_t l = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			errno = err;
			snprintf(g.errbuf, sizeof(g.errbuf), "connect: %s", strerror(err));
			conn_failed(c);
			return;
		}
		on_connected(c);
		if (c->kind == HTTP_TX)
			dispatch();
	}
	if ((events & EPOLLOUT) && c->state != ST_CONNECTING && flush(c)) {
		conn_failed(c);
		return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		on_readable(c);
}

/* ---- sending ---- */

static void http_request(struct conn *c, struct send *s)
{
	char buf[1024], body[256];
	int n;
	if (!strcmp(g.mode, "health")) {
		n = snprintf(buf, sizeof(buf), "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
	} else {
		/* the sender: one member of the group, a different one every ten sends */
		size_t base = strcmp(g.mode, "durable") ? (size_t)s->group * (size_t)g.per : 0;
		size_t span = strcmp(g.mode, "durable") ? (size_t)g.per : g.nmembers;
		const struct member *m = &g.members[base + (size_t)(s->seq / 10) % span];
		/* client_id: unique across runs of this program too, or the server takes a send for a retry */
		char text[160];
		if (g.text)
			snprintf(text, sizeof(text), "%s", g.text);
		else
			snprintf(text, sizeof(text), "bench %d %lld %llu", g.step, (long long)s->seq, (unsigned long long)s->due);
		int bl = snprintf(body, sizeof(body), "{\"client_id\":\"b-%d-%d-%lld\",\"kind\":\"text\",\"text\":\"%s\"}",
				  (int)getpid(), g.step, (long long)s->seq, text);
		n = snprintf(buf, sizeof(buf),
			     "POST /api/v1/enterprises/%s/conversations/%s/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			     "Authorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			     m->eid, m->cid, m->token, bl, body);
	}
	c->due = s->due;
	c->seq = s->seq;
	g.sent++;
	put(c, buf, (size_t)n);
}

static void mqtt_publish(struct conn *c, struct send *s)
{
	uint8_t body[4096];
	char topic[32];
	snprintf(topic, sizeof(topic), "bench/%d", s->group);
	size_t l = mqtt_str(body, topic);
	int pl = snprintf((char *)body + l, sizeof(body) - l, "bench %d %lld %llu ", g.step, (long long)s->seq,
			  (unsigned long long)s->due);
	/* padded to the size of the event Atrium pushes for the same send */
	size_t want = g.payload > pl ? (size_t)g.payload : (size_t)pl;
	if (want > sizeof(body) - l)
		want = sizeof(body) - l;
	memset(body + l + pl, 'x', want - (size_t)pl);
	g.sent++;
	g.acked++; /* QoS 0: nothing comes back; a publish counts once written */
	mqtt_put(c, 0x30, body, l + want);
}

static void enqueue(uint64_t due, int group, int64_t seq)
{
	if (g.qlen == g.qcap) {
		size_t cap = g.qcap ? g.qcap * 2 : 1024;
		struct send *q = xrealloc(NULL, cap * sizeof(*q));
		for (size_t i = 0; i < g.qlen; i++)
			q[i] = g.queue[(g.qhead + i) % g.qcap];
		free(g.queue);
		g.queue = q;
		g.qhead = 0;
		g.qcap = cap;
	}
	g.queue[(g.qhead + g.qlen++) % g.qcap] = (struct send){ due, group, seq };
}

/* Hands waiting sends to idle HTTP connections, in the order they fell due. */
static void dispatch(void)
{
	for (size_t i = 0; i < g.ntx && g.qlen; i++) {
		struct conn *c = g.tx[i];
		if (c->kind != HTTP_TX || c->state != ST_READY || c->due)
			continue;
		struct send s = g.queue[g.qhead];
		g.qhead = (g.qhead + 1) % g.qcap;
		g.qlen--;
		http_request(c, &s);
	}
}

/* Queues every send due by now, at the step's rate, round-robin over the groups. */
static void generate(uint64_t now)
{
	while (g.generating && g.next_due <= now) {
		if (g.next_due >= g.gen_end) {
			g.generating = 0;
			break;
		}
		int group = (int)(g.seq % g.groups);
		if (g.tx[0]->kind == MQTT_TX) {
			/* MQTT answers nothing at QoS 0: each group's publisher writes at once */
			struct send s = { g.next_due, group, g.seq++ };
			mqtt_publish(g.tx[(size_t)group % g.ntx], &s);
		} else {
			enqueue(g.next_due, group, g.seq++);
		}
		g.next_due += g.interval_ns;
	}
	dispatch();
	if (g.qlen > g.qmax)
		g.qmax = g.qlen; /* due, and no connection free to carry them */
}

/* ---- the loop ---- */

static int poll_once(int timeout_ms)
{
	struct epoll_event evs[512];
	int n = epoll_wait(g.ep, evs, 512, timeout_ms);
	if (n < 0 && errno != EINTR)
		die("epoll_wait");
	for (int i = 0; i < n; i++) {
		if (!evs[i].data.ptr) {
			g.stdin_open = 0; /* stdin: read by the caller */
			continue;
		}
		on_event(evs[i].data.ptr, evs[i].events);
	}
	return n;
}

static void load_members(void)
{
	FILE *f = fopen(g.file, "r");
	if (!f)
		die("cannot open the member file");
	char line[256];
	size_t cap = 0;
	while (fgets(line, sizeof(line), f)) {
		if (g.nmembers == cap) {
			cap = cap ? cap * 2 : 1024;
			g.members = xrealloc(g.members, cap * sizeof(*g.members));
		}
		struct member *m = &g.members[g.nmembers];
		if (sscanf(line, "%23s %23s %63s", m->eid, m->cid, m->token) == 3)
			g.nmembers++;
	}
	fclose(f);
	if (!g.nmembers)
		die("the member file lists no one");
}

/* Opens n receivers, at most CONNECTING_MAX handshakes at a time, and waits for all. */
static void open_receivers(size_t n, enum kind kind)
{
	g.rx = xrealloc(NULL, n * sizeof(*g.rx));
	uint64_t deadline = now_ns() + 120000000000ull;
	while (g.nrx < n || g.connecting) {
		while (g.nrx < n && g.connecting < CONNECTING_MAX) {
			struct conn *c = conn_open(kind);
			if (kind == WS_RX)
				c->token = g.members[g.nrx % g.nmembers].token;
			c->group = (int)(g.nrx / (size_t)g.per);
			g.rx[g.nrx++] = c;
			g.connecting++;
		}
		poll_once(10);
		if (*g.errbuf)
			die(g.errbuf);
		if (now_ns() > deadline)
			die("receivers did not all sign in within 120 s");
	}
	printf("ready %zu\n", g.ready_rx);
	fflush(stdout);
}

static void open_senders(enum kind kind, int n)
{
	g.tx = xrealloc(NULL, (size_t)n * sizeof(*g.tx));
	for (int i = 0; i < n; i++)
		g.tx[g.ntx++] = conn_open(kind);
	uint64_t deadline = now_ns() + 10000000000ull;
	for (;;) {
		int ready = 0;
		for (size_t i = 0; i < g.ntx; i++)
			ready += g.tx[i]->state == ST_READY;
		if (ready == n)
			return;
		poll_once(10);
		if (now_ns() > deadline)
			die("senders did not connect within 10 s");
	}
}

static void step_reset(int step)
{
	g.step = step;
	g.sent = g.acked = g.errors = g.delivered = g.stale = 0;
	g.lat.n = g.ack.n = 0;
	g.qmax = 0;
	g.last_delivery = 0;
	*g.errbuf = 0;
}

static void pct(char *out, size_t len, double v)
{
	if (v < 0)
		snprintf(out, len, "inf");
	else
		snprintf(out, len, "%.3f", v);
}

/* One fan-out step: rate sends a second for secs, then the drain; prints the result line. */
static void run_step(int step, double rate, double secs)
{
	step_reset(step);
	double cpu0 = cpu_self(), srv0 = cpu_of(g.pid), all0 = cpu_machine();
	uint64_t t0 = now_ns();
	g.step_start = t0;
	g.interval_ns = (uint64_t)(1e9 / rate);
	g.next_due = t0;
	g.gen_end = t0 + (uint64_t)(secs * 1e9);
	g.generating = 1;
	g.seq = 0;
	uint64_t drain_end = 0;
	for (;;) {
		uint64_t now = now_ns();
		generate(now);
		int busy = g.qlen > 0;
		for (size_t i = 0; i < g.ntx && !busy; i++)
			busy = g.tx[i]->kind == HTTP_TX ? g.tx[i]->due != 0 : g.tx[i]->outlen != 0;
		if (!g.generating && !busy) {
			if (!drain_end)
				drain_end = now + DRAIN_NS;
			if (g.delivered >= g.acked * (uint64_t)g.per || now > drain_end)
				break;
		}
		if (!g.generating && now > g.gen_end + 30 * DRAIN_NS)
			break; /* sends never answered: give up on them */
		poll_once(g.generating ? 1 : 5);
	}
	uint64_t t1 = now_ns();
	double wall = (double)(t1 - t0) / 1e9;
	double cpu = cpu_self() - cpu0, srv = cpu_of(g.pid) - srv0, all = cpu_machine() - all0;
	uint64_t expected = g.acked * (uint64_t)g.per;
	size_t missing = expected > g.delivered ? (size_t)(expected - g.delivered) : 0;
	qsort(g.lat.v, g.lat.n, sizeof(*g.lat.v), by_value);
	qsort(g.ack.v, g.ack.n, sizeof(*g.ack.v), by_value);
	double span = g.last_delivery > t0 ? (double)(g.last_delivery - t0) / 1e9 : wall;
	char p50[32], p99[32], a50[32], a99[32];
	pct(p50, sizeof(p50), quantile(&g.lat, missing, 0.50));
	pct(p99, sizeof(p99), quantile(&g.lat, missing, 0.99));
	pct(a50, sizeof(a50), quantile(&g.ack, 0, 0.50));
	pct(a99, sizeof(a99), quantile(&g.ack, 0, 0.99));
	printf("result step=%d rate=%.0f secs=%.2f sent=%llu acked=%llu errors=%llu expected=%llu delivered=%llu"
	       " stale=%llu span=%.3f delivered_per_s=%.0f p50_ms=%s p99_ms=%s ack_p50_ms=%s ack_p99_ms=%s"
	       " client_cpu=%.3f server_cpu=%.3f machine_cpu=%.3f wall=%.3f receivers=%zu waiting_max=%zu\n",
	       step, rate, secs, (unsigned long long)g.sent, (unsigned long long)g.acked, (unsigned long long)g.errors,
	       (unsigned long long)expected, (unsigned long long)g.delivered, (unsigned long long)g.stale, span,
	       g.delivered / span, p50, p99, a50, a99, cpu / wall, srv / wall, all / wall, wall, g.ready_rx, g.qmax);
	if (*g.errbuf)
		fprintf(stderr, "im-load: step %d: %s\n", step, g.errbuf);
	fflush(stdout);
}

/* Closed loop: every connection sends again as soon as its answer came. */
static void run_closed(void)
{
	for (int round = 0; round <= g.rounds; round++) {
		/* round 0 warms up for a second and is not reported */
		double secs = round ? g.seconds : 1;
		step_reset(round + 1000);
		double cpu0 = cpu_self(), srv0 = cpu_of(g.pid), all0 = cpu_machine();
		uint64_t t0 = now_ns(), end = t0 + (uint64_t)(secs * 1e9);
		g.seq = 0;
		for (;;) {
			uint64_t now = now_ns();
			if (now < end) {
				for (size_t i = 0; i < g.ntx; i++) {
					struct conn *c = g.tx[i];
					if (c->state == ST_READY && !c->due) {
						struct send s = { now, 0, g.seq++ };
						http_request(c, &s);
					}
				}
			} else {
				int busy = 0;
				for (size_t i = 0; i < g.ntx; i++)
					busy |= g.tx[i]->due != 0;
				if (!busy || now > end + DRAIN_NS)
					break;
			}
			poll_once(1);
		}
		double wall = (double)(now_ns() - t0) / 1e9;
		double cpu = cpu_self() - cpu0, srv = cpu_of(g.pid) - srv0, all = cpu_machine() - all0;
		g.total += g.acked;
		if (!round)
			continue;
		qsort(g.ack.v, g.ack.n, sizeof(*g.ack.v), by_value);
		char a50[32], a99[32];
		pct(a50, sizeof(a50), quantile(&g.ack, 0, 0.50));
		pct(a99, sizeof(a99), quantile(&g.ack, 0, 0.99));
		printf("round n=%d acked=%llu total=%llu errors=%llu per_s=%.0f ack_p50_ms=%s ack_p99_ms=%s client_cpu=%.3f"
		       " server_cpu=%.3f machine_cpu=%.3f wall=%.3f\n",
		       round, (unsigned long long)g.acked, (unsigned long long)g.total, (unsigned long long)g.errors, g.acked / wall, a50, a99,
		       cpu / wall, srv / wall, all / wall, wall);
		if (*g.errbuf)
			fprintf(stderr, "im-load: round %d: %s\n", round, g.errbuf);
		fflush(stdout);
	}
}

/* Reads stdin commands until it ends; fan-out modes run steps, idle modes just hold on. */
static void serve_stdin(int steps)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	if (epoll_ctl(g.ep, EPOLL_CTL_ADD, 0, &ev))
		die("epoll_ctl stdin");
	char line[256];
	size_t have = 0;
	for (;;) {
		g.stdin_open = 1;
		while (g.stdin_open)
			poll_once(1000);
		ssize_t r = read(0, line + have, sizeof(line) - 1 - have);
		if (r <= 0)
			return;
		have += (size_t)r;
		line[have] = 0;
		char *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			int id;
			double rate, secs;
			if (steps && sscanf(line, "step %d %lf %lf", &id, &rate, &secs) == 3)
				run_step(id, rate, secs);
			else if (!strcmp(line, "status"))
				printf("status receivers=%zu\n", g.ready_rx), fflush(stdout);
			have -= (size_t)(nl + 1 - line);
			memmove(line, nl + 1, have + 1);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: im-load MODE key=value… (see the top of bench/im-load.c)");
	g.mode = argv[1];
	g.conns = 64;
	g.per = 100;
	g.rounds = 3;
	g.seconds = 3;
	for (int i = 2; i < argc; i++) {
		char *v = strchr(argv[i], '=');
		if (!v)
			die("arguments are key=value");
		*v++ = 0;
		if (!strcmp(argv[i], "file"))
			g.file = v;
		else if (!strcmp(argv[i], "text"))
			g.text = v;
		else {
			char *end;
			long lx = strtol(v, &end, 10);
			if (*end || lx < 0 || lx > 1 << 30)
				die("a number is needed after =");
			int x = (int)lx;
			if (!strcmp(argv[i], "port")) g.port = x;
			else if (!strcmp(argv[i], "pid")) g.pid = x;
			else if (!strcmp(argv[i], "conns")) g.conns = x;
			else if (!strcmp(argv[i], "per")) g.per = x;
			else if (!strcmp(argv[i], "groups")) g.groups = x;
			else if (!strcmp(argv[i], "payload")) g.payload = x;
			else if (!strcmp(argv[i], "n")) g.n = x;
			else if (!strcmp(argv[i], "seconds")) g.seconds = x;
			else if (!strcmp(argv[i], "rounds")) g.rounds = x;
			else die("unknown argument");
		}
	}
	errno = 0;
	if (!g.port)
		die("port= is needed");
	if ((g.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1");
	if (!strcmp(g.mode, "ws-fanout")) {
		load_members();
		g.groups = (int)(g.nmembers / (size_t)g.per);
		open_receivers(g.nmembers, WS_RX);
		open_senders(HTTP_TX, g.conns);
		serve_stdin(1);
	} else if (!strcmp(g.mode, "mqtt-fanout")) {
		if (g.groups < 1)
			die("groups= is needed");
		open_receivers((size_t)g.groups * (size_t)g.per, MQTT_RX);
		open_senders(MQTT_TX, g.conns > g.groups ? g.groups : g.conns);
		serve_stdin(1);
	} else if (!strcmp(g.mode, "ws-idle")) {
		load_members();
		g.per = g.n; /* one group: nothing is sent */
		open_receivers((size_t)g.n, WS_RX);
		serve_stdin(0);
	} else if (!strcmp(g.mode, "mqtt-idle")) {
		g.per = g.n;
		open_receivers((size_t)g.n, MQTT_RX);
		serve_stdin(0);
	} else if (!strcmp(g.mode, "durable") || !strcmp(g.mode, "health")) {
		if (!strcmp(g.mode, "durable"))
			load_members();
		open_senders(HTTP_TX, g.conns);
		run_closed();
	} else {
		die("unknown mode");
	}
	return 0;
}
