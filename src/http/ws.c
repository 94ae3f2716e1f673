/*
 * GET /api/v1/ws (see ws.h): the upgrade through h2o, then each socket's life on its loop:
 * client frames checked and decoded, the auth frame, typing, keepalive pings, session re-checks,
 * queued server frames written once per socket per loop turn, and the closing handshake.
 */
#include <assert.h>
#include <string.h>
#include <sys/socket.h>
#include <jansson.h>
#include <openssl/sha.h>
#include "apps/account/account.h"
#include "apps/im/hub.h"
#include "apps/im/im.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/mem.h"
#include "http/internal.h"
#include <h2o/http1.h> /* after h2o.h, which it needs */
#include "http/loop.h"
#include "http/ws.h"
#include "core/banned.h"

#define AUTH_MS 10000      /* the auth frame must come within this */
#define CLOSE_WAIT_MS 2000 /* after our close frame, how long the peer's answer is awaited */
#define SWEEP_MS 1000      /* timers of all sockets of a loop are checked this often */
#define TYPING_MS 2000     /* a socket's typing in one conversation is passed on once in this */
#define TYPING_EVERY_MS 500 /* and across conversations one in this, after a burst of four */
/* The kernel's send buffer of a socket: events are small, and a bounded buffer lets the queue
 * bound see a consumer that stopped reading within about a megabyte, not the many megabytes
 * the kernel would otherwise take for it. */
#define SNDBUF (64 * 1024)

/* Close codes: RFC 6455 ones, and Atrium's in the 4000s (docs/openapi.yaml). */
enum {
	CLOSE_NORMAL = 1000,
	CLOSE_GOING_AWAY = 1001,
	CLOSE_PROTOCOL = 1002,
	CLOSE_UNSUPPORTED = 1003,
	CLOSE_TOO_BIG = 1009,
	CLOSE_INTERNAL = 1011,
	CLOSE_UNAUTHORIZED = 4401,
	CLOSE_TOO_SLOW = 4408,
};

enum ws_state {
	WS_OPEN,    /* reading frames; authenticated once user is set */
	WS_CLOSING, /* our close frame is queued or sent: waiting for the peer's */
};

/* One socket.  Kept small: an idle authenticated socket costs this, its slot in the loop's user
 * table and h2o's socket (the read buffer goes back to h2o whenever all input is consumed). */
struct ws {
	h2o_socket_t *sock;
	struct ws_loop *wl;
	h2o_linklist_t all;   /* the loop's sockets */
	h2o_linklist_t dirty; /* linked while frames wait for this turn's write */
	int64_t user, session; /* 0 until the auth frame */
	int64_t opened_ms, rx_ms, checked_ms, closing_ms;
	int64_t typing_cid, typing_ms; /* the conversation last typed in, and when it was passed on */
	int64_t typing_due;            /* the typing budget (a virtual clock: GCRA) */
	struct ws_frame **queue, **inflight; /* waiting; handed to h2o_socket_write */
	uint32_t nqueue, capqueue, ninflight;
	uint32_t bytes;       /* of queue and inflight, against WS_QUEUE_BYTES */
	uint8_t *msg;         /* a fragmented text message being put together */
	uint32_t msg_len;
	uint8_t state, pinged, close_when_written;
};

/* What a loop keeps for its sockets; made by the loop's thread when it first upgrades one. */
struct ws_loop {
	struct app *app;
	h2o_loop_t *evloop;
	h2o_linklist_t all, dirty;
	size_t nall;
	int index, stopping;
	h2o_timeout_t turn, tick; /* end of this loop turn; every SWEEP_MS */
	h2o_timeout_entry_t flush_entry, sweep_entry;
	struct ws_reader *reader;
	uint8_t *payload;         /* the payload of the frame being handled */
	h2o_iovec_t *iov;
	size_t iovcap;
	struct ws **found; /* the sockets of one user, gathered by ws_deliver() */
	size_t foundcap;
	/* user → socket, open addressing with linear probing; a user has as many slots as sockets */
	struct slot {
		int64_t user;
		struct ws *ws;
	} *slots;
	size_t cap, used;
};

static struct ws_loop *wloops[WS_LOOPS_MAX];
static atomic_size_t authed[WS_LOOPS_MAX];
static __thread struct ws_loop *here;

static int64_t now_ms(void)
{
	return clock_mono_us() / 1000;
}

/* ---- the user table ---- */

static size_t slot_of(const struct ws_loop *wl, int64_t user)
{
	return (size_t)(((uint64_t)user * 0x9e3779b97f4a7c15ull) >> 32) & (wl->cap - 1);
}

static void table_put(struct ws_loop *wl, int64_t user, struct ws *ws)
{
	if ((wl->used + 1) * 2 > wl->cap) {
		struct slot *old = wl->slots;
		size_t oldcap = wl->cap;
		wl->cap = oldcap ? oldcap * 2 : 64;
		wl->slots = xcalloc(wl->cap, sizeof(*wl->slots));
		wl->used = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].ws)
				table_put(wl, old[i].user, old[i].ws);
		free(old);
	}
	size_t i = slot_of(wl, user);
	while (wl->slots[i].ws)
		i = (i + 1) & (wl->cap - 1);
	wl->slots[i].user = user;
	wl->slots[i].ws = ws;
	wl->used++;
}

static void table_del(struct ws_loop *wl, int64_t user, struct ws *ws)
{
	size_t mask = wl->cap - 1, i = slot_of(wl, user);
	while (wl->slots[i].ws != ws) {
		assert(wl->slots[i].ws); /* every authenticated socket is in the table */
		i = (i + 1) & mask;
	}
	/* Backward-shift deletion: move up any later slot of the probe run whose home is not
	 * between the hole and itself, so lookups never meet a false gap. */
	for (size_t j = i;;) {
		wl->slots[i].ws = NULL;
		for (;;) {
			j = (j + 1) & mask;
			if (!wl->slots[j].ws) {
				wl->used--;
				return;
			}
			size_t k = slot_of(wl, wl->slots[j].user);
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			wl->slots[i] = wl->slots[j];
			i = j;
			break;
		}
	}
}

/* ---- writing ---- */

static void destroy(struct ws *ws);
static void write_out(struct ws *ws);

static void unref_all(struct ws_frame **frames, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		ws_frame_unref(&frames[i]);
}

static void on_written(h2o_socket_t *sock, const char *err)
{
	struct ws *ws = sock->data;
	for (uint32_t i = 0; i < ws->ninflight; i++) {
		ws->bytes -= ws->inflight[i]->len;
		ws_frame_unref(&ws->inflight[i]);
	}
	free(ws->inflight);
	ws->inflight = NULL;
	ws->ninflight = 0;
	if (err) {
		destroy(ws);
		return;
	}
	if (ws->nqueue) {
		write_out(ws);
	} else if (ws->close_when_written) {
		destroy(ws); /* the peer's close came and ours, its answer, is out: the handshake is done */
	}
}

/* Hands every queued frame to h2o in one write. */
static void write_out(struct ws *ws)
{
	struct ws_loop *wl = ws->wl;
	assert(!ws->ninflight && ws->nqueue);
	if (wl->iovcap < ws->nqueue) {
		wl->iovcap = ws->capqueue;
		wl->iov = xrealloc(wl->iov, wl->iovcap * sizeof(*wl->iov));
	}
	for (uint32_t i = 0; i < ws->nqueue; i++)
		wl->iov[i] = h2o_iovec_init(ws->queue[i]->bytes, ws->queue[i]->len);
	ws->inflight = ws->queue;
	ws->ninflight = ws->nqueue;
	ws->queue = NULL;
	ws->nqueue = ws->capqueue = 0;
	h2o_socket_write(ws->sock, wl->iov, ws->ninflight, on_written);
}

static void on_turn_end(h2o_timeout_entry_t *entry)
{
	struct ws_loop *wl = H2O_STRUCT_FROM_MEMBER(struct ws_loop, flush_entry, entry);
	while (!h2o_linklist_is_empty(&wl->dirty)) {
		struct ws *ws = H2O_STRUCT_FROM_MEMBER(struct ws, dirty, wl->dirty.next);
		h2o_linklist_unlink(&ws->dirty);
		if (ws->nqueue && !h2o_socket_is_writing(ws->sock))
			write_out(ws);
	}
}

/* Queues f (taking a reference) without a bound: our one close or ping at a time, and frames
 * send_frame() has counted. */
static void enqueue(struct ws *ws, struct ws_frame *f)
{
	struct ws_loop *wl = ws->wl;
	if (ws->nqueue == ws->capqueue) {
		ws->capqueue = ws->capqueue ? ws->capqueue * 2 : 4;
		ws->queue = xrealloc(ws->queue, ws->capqueue * sizeof(*ws->queue));
	}
	ws_frame_ref(f);
	ws->queue[ws->nqueue++] = f;
	ws->bytes += f->len;
	if (!h2o_linklist_is_linked(&ws->dirty)) {
		h2o_linklist_insert(&wl->dirty, &ws->dirty);
		if (!h2o_timeout_is_linked(&wl->flush_entry))
			h2o_timeout_link(wl->evloop, &wl->turn, &wl->flush_entry);
	}
}

static void detach(struct ws *ws)
{
	if (ws->user) {
		table_del(ws->wl, ws->user, ws);
		atomic_fetch_sub(&authed[ws->wl->index], 1);
		ws->user = 0;
	}
}

/*
 * Starts the closing handshake: no more events for this socket; the close frame goes after what
 * is queued, or instead of it (drop: a slow consumer's backlog is what closes it).
 */
static void close_with(struct ws *ws, uint16_t code, const char *reason, int drop)
{
	if (ws->state != WS_OPEN)
		return;
	detach(ws);
	if (drop) {
		for (uint32_t i = 0; i < ws->nqueue; i++)
			ws->bytes -= ws->queue[i]->len;
		unref_all(ws->queue, ws->nqueue);
		ws->nqueue = 0;
	}
	struct ws_frame *f = ws_frame_close(code, reason);
	enqueue(ws, f);
	ws_frame_unref(&f);
	ws->state = WS_CLOSING;
	ws->closing_ms = now_ms();
	free(ws->msg);
	ws->msg = NULL;
}

/* Queues an event frame under the slow-consumer bound. */
static void send_frame(struct ws *ws, struct ws_frame *f)
{
	if (ws->state != WS_OPEN)
		return;
	if (ws->nqueue + ws->ninflight >= WS_QUEUE_FRAMES || ws->bytes + f->len > WS_QUEUE_BYTES) {
		close_with(ws, CLOSE_TOO_SLOW, "too slow: reconnect and sync", 1);
		return;
	}
	enqueue(ws, f);
}

/* Answers the client under the same bound: one who sends and never reads cannot grow its queue. */
static void send_reply(struct ws *ws, enum ws_opcode op, const void *payload, size_t len)
{
	struct ws_frame *f = ws_frame_new(op, payload, len);
	send_frame(ws, f);
	ws_frame_unref(&f);
}

static void destroy(struct ws *ws)
{
	struct ws_loop *wl = ws->wl;
	detach(ws);
	h2o_linklist_unlink(&ws->all);
	wl->nall--;
	if (h2o_linklist_is_linked(&ws->dirty))
		h2o_linklist_unlink(&ws->dirty);
	/* closing a socket drops a write in progress: h2o lets go of the frames' bytes here */
	h2o_socket_close(ws->sock);
	unref_all(ws->queue, ws->nqueue);
	unref_all(ws->inflight, ws->ninflight);
	free(ws->queue);
	free(ws->inflight);
	free(ws->msg);
	free(ws);
}

/* ---- messages from the client ---- */

static void send_error(struct ws *ws, const char *code, const char *detail)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "type", "error", "code", code, "detail", detail);
	char buf[512];
	size_t n = json_dumpb(o, buf, sizeof(buf), JSON_COMPACT);
	json_decref(o);
	if (n && n <= sizeof(buf))
		send_reply(ws, WS_TEXT, buf, n);
}

static void authenticate(struct ws *ws, json_t *msg)
{
	struct ws_loop *wl = ws->wl;
	const char *type = json_string_value(json_object_get(msg, "type"));
	const char *token = json_string_value(json_object_get(msg, "token"));
	if (!type || strcmp(type, "auth") || !token) {
		close_with(ws, CLOSE_UNAUTHORIZED, "the first frame must be {\"type\":\"auth\",\"token\":…}", 0);
		return;
	}
	int64_t sid, uid = account_session_user(wl->app->st, wl->app->cfg, token, &sid);
	if (uid < 0) {
		close_with(ws, CLOSE_INTERNAL, "the server failed: try again", 0);
		return;
	}
	if (uid == 0) {
		close_with(ws, CLOSE_UNAUTHORIZED, "sign in first: the session is missing, expired or ended", 0);
		return;
	}
	ws->user = uid;
	ws->session = sid;
	ws->checked_ms = now_ms();
	table_put(wl, uid, ws);
	atomic_fetch_add(&authed[wl->index], 1);
	char u[ID_STR_LEN], s[ID_STR_LEN], buf[128];
	int n = snprintf(buf, sizeof(buf), "{\"type\":\"ready\",\"user_id\":\"%s\",\"session_id\":\"%s\"}",
			 id_format(uid, u), id_format(sid, s));
	send_reply(ws, WS_TEXT, buf, (size_t)n);
}

static int id_field(json_t *msg, const char *name, int64_t *id)
{
	const char *v = json_string_value(json_object_get(msg, name));
	return v && !id_parse(v, id) ? 0 : -1;
}

/* Typing is passed on to the conversation's other members as it comes, and never stored. */
static void typing(struct ws *ws, json_t *msg)
{
	struct store *st = ws->wl->app->st;
	int64_t eid, cid, *users = NULL;
	size_t n = 0, m = 0;
	if (id_field(msg, "enterprise_id", &eid) || id_field(msg, "conversation_id", &cid)) {
		send_error(ws, "invalid_value", "typing needs enterprise_id and conversation_id as id strings");
		return;
	}
	int member = im_is_member(st, eid, cid, ws->user);
	if (member != 1) {
		send_error(ws, member < 0 ? "internal_error" : "conversation_not_found",
			   member < 0 ? "the server failed; nothing was sent" : "no such conversation that you are in");
		return;
	}
	/* A keyboard sends typing on every key: the others hear of it once in TYPING_MS per
	 * conversation, and a socket passes on at most one typing every TYPING_EVERY_MS after a
	 * burst of four (hopping between conversations does not get round it).  The rest is dropped
	 * without a word, so a typist, or a flood, cannot swamp the members of large groups. */
	int64_t now = now_ms();
	if (cid == ws->typing_cid && now - ws->typing_ms < TYPING_MS)
		return;
	if (ws->typing_due < now)
		ws->typing_due = now;
	if (ws->typing_due - now > 3 * TYPING_EVERY_MS)
		return;
	ws->typing_due += TYPING_EVERY_MS;
	if (im_members(st, cid, &users, &n)) {
		send_error(ws, "internal_error", "the server failed; nothing was sent");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (users[i] != ws->user)
			users[m++] = users[i];
	ws->typing_cid = cid;
	ws->typing_ms = now;
	if (m) {
		char e[ID_STR_LEN], c[ID_STR_LEN], u[ID_STR_LEN], buf[192];
		int len = snprintf(buf, sizeof(buf),
			"{\"type\":\"typing\",\"enterprise_id\":\"%s\",\"conversation_id\":\"%s\",\"user_id\":\"%s\"}",
			id_format(eid, e), id_format(cid, c), id_format(ws->user, u));
		hub_publish(users, m, buf, (size_t)len);
	}
	free(users);
}

static void on_message(struct ws *ws, const uint8_t *data, size_t len)
{
	json_error_t jerr;
	json_t *msg = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!ws->user) {
		if (!json_is_object(msg))
			close_with(ws, CLOSE_UNAUTHORIZED, "the first frame must be {\"type\":\"auth\",\"token\":…}", 0);
		else
			authenticate(ws, msg);
		json_decref(msg);
		return;
	}
	const char *type = json_string_value(json_object_get(msg, "type"));
	if (!msg) {
		send_error(ws, "malformed_json", "the frame is not valid JSON");
	} else if (!json_is_object(msg) || !type) {
		send_error(ws, "invalid_type", "a frame is a JSON object with a string \"type\"");
	} else if (!strcmp(type, "ping")) {
		send_reply(ws, WS_TEXT, "{\"type\":\"pong\"}", 15);
	} else if (!strcmp(type, "typing")) {
		typing(ws, msg);
	} else if (!strcmp(type, "auth")) {
		send_error(ws, "already_authenticated", "this socket is already signed in");
	} else {
		send_error(ws, "unknown_type", "no such frame type");
	}
	json_decref(msg);
}

/* Handles one whole, decoded client frame. */
static void on_frame(struct ws *ws, const struct ws_frame_info *fi, const uint8_t *p)
{
	size_t len = (size_t)fi->payload_len;
	if (ws->state == WS_CLOSING) {
		if (fi->opcode == WS_CLOSE)
			ws->close_when_written = 1; /* the handshake is done once our close is out */
		return;
	}
	switch (fi->opcode) {
	case WS_TEXT:
	case WS_BINARY:
		if (ws->msg) {
			close_with(ws, CLOSE_PROTOCOL, "a new message began inside a fragmented one", 0);
		} else if (fi->opcode == WS_BINARY) {
			close_with(ws, CLOSE_UNSUPPORTED, "frames are JSON text", 0);
		} else if (fi->fin) {
			on_message(ws, p, len);
		} else {
			ws->msg = xmalloc(WS_PAYLOAD_MAX);
			memcpy(ws->msg, p, len);
			ws->msg_len = (uint32_t)len;
		}
		break;
	case WS_CONTINUATION:
		if (!ws->msg) {
			close_with(ws, CLOSE_PROTOCOL, "a continuation without a message", 0);
		} else if (ws->msg_len + len > WS_PAYLOAD_MAX) {
			close_with(ws, CLOSE_TOO_BIG, "messages over 64 KiB are not taken", 0);
		} else {
			memcpy(ws->msg + ws->msg_len, p, len);
			ws->msg_len += (uint32_t)len;
			if (fi->fin) {
				uint8_t *m = ws->msg;
				ws->msg = NULL;
				on_message(ws, m, ws->msg_len);
				free(m);
			}
		}
		break;
	case WS_PING:
		send_reply(ws, WS_PONG, p, len);
		break;
	case WS_PONG:
		break; /* being alive is what counts, and any frame says it */
	case WS_CLOSE: {
		uint16_t code = len >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : CLOSE_NORMAL;
		/* Answer with the peer's code (RFC 6455 5.5.1), then end the connection. */
		if (len == 1 || code < 1000 || code == 1005 || code == 1006 || code == 1015 || (code > 1011 && code < 3000))
			code = CLOSE_PROTOCOL;
		close_with(ws, code, "", 0);
		ws->close_when_written = 1;
		break;
	}
	default:
		close_with(ws, CLOSE_PROTOCOL, "unknown opcode", 0);
	}
}

/* Reads every whole frame the socket's input holds; a partial one waits for more bytes. */
static void on_input(struct ws *ws)
{
	struct ws_loop *wl = ws->wl;
	h2o_socket_t *sock = ws->sock;
	while (sock->input->size && !ws->close_when_written) {
		struct ws_frame_info fi;
		int64_t size = ws_frame_peek((const uint8_t *)sock->input->bytes, sock->input->size, &fi);
		if (size == 0)
			return;
		if (size < 0 || !fi.masked || fi.rsv) {
			close_with(ws, CLOSE_PROTOCOL, "a client frame must be masked, with no reserved bits", 1);
			ws->close_when_written = 1;
			return;
		}
		/* Refused from its header alone, before the payload is held anywhere. */
		if (fi.payload_len > WS_PAYLOAD_MAX) {
			close_with(ws, CLOSE_TOO_BIG, "frames over 64 KiB are not taken", 1);
			ws->close_when_written = 1;
			return;
		}
		if ((uint64_t)size > sock->input->size)
			return;
		if (ws_reader_read(wl->reader, (const uint8_t *)sock->input->bytes, (size_t)size, wl->payload)) {
			close_with(ws, CLOSE_PROTOCOL, "malformed frame", 1);
			ws->close_when_written = 1;
			return;
		}
		/* consuming all input gives the read buffer back to h2o: idle sockets hold none */
		h2o_buffer_consume(&sock->input, (size_t)size);
		on_frame(ws, &fi, wl->payload);
	}
}

static void on_read(h2o_socket_t *sock, const char *err)
{
	struct ws *ws = sock->data;
	if (err) {
		destroy(ws);
		return;
	}
	ws->rx_ms = now_ms();
	ws->pinged = 0;
	on_input(ws);
	/* a peer that closed and got our answer: nothing more to read */
	if (ws->close_when_written && !ws->nqueue && !ws->ninflight)
		destroy(ws);
}

/* ---- timers ---- */

static void sweep(struct ws_loop *wl)
{
	const struct config *cfg = wl->app->cfg;
	int64_t now = now_ms(), ping = (cfg->ws_ping > 0 ? cfg->ws_ping : 1) * 1000,
		check = (cfg->ws_session_check > 0 ? cfg->ws_session_check : 1) * 1000;
	h2o_linklist_t *node = wl->all.next;
	while (node != &wl->all) {
		struct ws *ws = H2O_STRUCT_FROM_MEMBER(struct ws, all, node);
		node = node->next; /* ws may go below */
		if (ws->state == WS_CLOSING) {
			if (now - ws->closing_ms > CLOSE_WAIT_MS)
				destroy(ws);
		} else if (!ws->user) {
			if (now - ws->opened_ms >= AUTH_MS)
				close_with(ws, CLOSE_UNAUTHORIZED, "no auth frame within 10 seconds", 0);
		} else if (now - ws->rx_ms >= 2 * ping) {
			destroy(ws); /* silent through a ping and as long again: gone without a word */
		} else {
			if (now - ws->rx_ms >= ping && !ws->pinged) {
				struct ws_frame *f = ws_frame_new(WS_PING, NULL, 0);
				enqueue(ws, f);
				ws_frame_unref(&f);
				ws->pinged = 1;
			}
			/* Each socket is checked a period after its own last check, so the checks of many
			 * sockets spread over the period: one lookup by key each. */
			if (now - ws->checked_ms >= check) {
				ws->checked_ms = now;
				if (account_session_live(wl->app->st, cfg, ws->session) == 0)
					close_with(ws, CLOSE_UNAUTHORIZED, "the session ended: sign in again", 0);
			}
		}
	}
}

static void on_tick(h2o_timeout_entry_t *entry)
{
	struct ws_loop *wl = H2O_STRUCT_FROM_MEMBER(struct ws_loop, sweep_entry, entry);
	sweep(wl);
	if (wl->nall)
		h2o_timeout_link(wl->evloop, &wl->tick, &wl->sweep_entry);
}

/* ---- the upgrade ---- */

static struct ws_loop *loop_state(struct app *app)
{
	int i = loop_index(app->loop);
	assert(i >= 0 && i < WS_LOOPS_MAX);
	struct ws_loop *wl = wloops[i];
	if (!wl) {
		wl = xcalloc(1, sizeof(*wl));
		wl->app = app;
		wl->index = i;
		wl->evloop = loop_evloop(app->loop);
		h2o_linklist_init_anchor(&wl->all);
		h2o_linklist_init_anchor(&wl->dirty);
		h2o_timeout_init(wl->evloop, &wl->turn, 0);
		h2o_timeout_init(wl->evloop, &wl->tick, SWEEP_MS);
		wl->flush_entry.cb = on_turn_end;
		wl->sweep_entry.cb = on_tick;
		wl->reader = ws_reader_new();
		wl->payload = xmalloc(WS_PAYLOAD_MAX);
		wloops[i] = wl;
		here = wl;
	}
	return wl;
}

/* h2o has written the 101: from here on the socket is ours. */
static void on_upgraded(void *data, h2o_socket_t *sock, size_t reqsize)
{
	struct ws *ws = data;
	struct ws_loop *wl = ws->wl;
	if (!sock) {
		free(ws);
		return;
	}
	ws->sock = sock;
	sock->data = ws;
	h2o_buffer_consume(&sock->input, reqsize);
	int sndbuf = SNDBUF;
	setsockopt(h2o_socket_get_fd(sock), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	ws->opened_ms = ws->rx_ms = now_ms();
	h2o_linklist_insert(&wl->all, &ws->all);
	if (wl->nall++ == 0 && !h2o_timeout_is_linked(&wl->sweep_entry))
		h2o_timeout_link(wl->evloop, &wl->tick, &wl->sweep_entry);
	h2o_socket_read_start(sock, on_read);
	if (wl->stopping)
		close_with(ws, CLOSE_GOING_AWAY, "the server is stopping", 0);
	else if (sock->input->size)
		on_input(ws);
}

static enum err ws_open_route(struct req *r)
{
	h2o_req_t *h = r->h;
	if (h->version >= 0x200)
		return req_fail(r, ERR_WEBSOCKET_REQUIRED,
				"WebSocket needs HTTP/1.1; this connection speaks HTTP/2 (open a separate HTTP/1.1 connection)");
	ssize_t k = h2o_find_header_by_str(&h->headers, H2O_STRLIT("sec-websocket-key"), -1);
	ssize_t v = h2o_find_header_by_str(&h->headers, H2O_STRLIT("sec-websocket-version"), -1);
	/* h2o sets upgrade only when Connection names it */
	if (!h->upgrade.base || !h2o_lcstris(h->upgrade.base, h->upgrade.len, H2O_STRLIT("websocket")) || k < 0 ||
	    h->headers.entries[k].value.len != 24) {
		req_set_header(r, "upgrade", "websocket");
		return req_fail(r, ERR_WEBSOCKET_REQUIRED,
				"send a WebSocket upgrade: Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Key and Sec-WebSocket-Version: 13");
	}
	if (v < 0 || !h2o_memis(h->headers.entries[v].value.base, h->headers.entries[v].value.len, H2O_STRLIT("13"))) {
		req_set_header(r, "upgrade", "websocket");
		req_set_header(r, "sec-websocket-version", "13");
		return req_fail(r, ERR_WEBSOCKET_REQUIRED, "only WebSocket version 13 is spoken here");
	}
	/* Sec-WebSocket-Accept: base64(SHA-1(key + the RFC's GUID)) */
	uint8_t key[24 + 36], digest[SHA_DIGEST_LENGTH];
	memcpy(key, h->headers.entries[k].value.base, 24);
	memcpy(key + 24, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
	SHA1(key, sizeof(key), digest);
	char *accept = h2o_mem_alloc_pool(&h->pool, h2o_base64_encode_capacity(sizeof(digest)));
	size_t alen = h2o_base64_encode(accept, digest, sizeof(digest), 0);

	struct ws *ws = xcalloc(1, sizeof(*ws));
	ws->wl = loop_state(r->app);
	h->res.status = 101;
	h->res.reason = "Switching Protocols";
	h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_UPGRADE, NULL, H2O_STRLIT("websocket"));
	h2o_add_header_by_str(&h->pool, &h->res.headers, H2O_STRLIT("sec-websocket-accept"), 0, NULL, accept, alen);
	/* h2o writes the 101 itself; the socket is handed over only once it is out (on_upgraded) */
	h2o_http1_upgrade(h, NULL, 0, on_upgraded, ws);
	http_upgraded(r);
	return ERR_OK;
}

const struct route ws_routes[] = {
	{ "GET", "/api/v1/ws", ws_open_route, 0 },
	{ 0 }
};

/* ---- what others call ---- */

void ws_deliver(const int64_t *users, size_t n, int64_t except_session, struct ws_frame *f)
{
	struct ws_loop *wl = here;
	if (!wl || !wl->used)
		return;
	for (size_t u = 0; u < n; u++) {
		/* Gather first: sending may close a slow socket, which changes the table. */
		size_t nf = 0, mask = wl->cap - 1;
		for (size_t i = slot_of(wl, users[u]); wl->slots[i].ws; i = (i + 1) & mask) {
			if (wl->slots[i].user != users[u] || wl->slots[i].ws->session == except_session)
				continue;
			if (nf == wl->foundcap) {
				wl->foundcap = wl->foundcap ? wl->foundcap * 2 : 16;
				wl->found = xrealloc(wl->found, wl->foundcap * sizeof(*wl->found));
			}
			wl->found[nf++] = wl->slots[i].ws;
		}
		for (size_t i = 0; i < nf; i++)
			send_frame(wl->found[i], f);
	}
}

size_t ws_loop_sockets(int i)
{
	return i >= 0 && i < WS_LOOPS_MAX ? atomic_load_explicit(&authed[i], memory_order_relaxed) : 0;
}

size_t ws_sockets(void)
{
	size_t n = 0;
	for (int i = 0; i < WS_LOOPS_MAX; i++)
		n += ws_loop_sockets(i);
	return n;
}

void ws_stop(struct app *app)
{
	int i = loop_index(app->loop);
	struct ws_loop *wl = i >= 0 && i < WS_LOOPS_MAX ? wloops[i] : NULL;
	if (!wl)
		return;
	wl->stopping = 1;
	for (h2o_linklist_t *node = wl->all.next; node != &wl->all; node = node->next)
		close_with(H2O_STRUCT_FROM_MEMBER(struct ws, all, node), CLOSE_GOING_AWAY, "the server is stopping", 0);
}

size_t ws_open(struct app *app)
{
	int i = loop_index(app->loop);
	struct ws_loop *wl = i >= 0 && i < WS_LOOPS_MAX ? wloops[i] : NULL;
	return wl ? wl->nall : 0;
}
