/*
 * Message routes: sending (through the writer: the answer comes after the commit), history,
 * sync after any disconnect, read positions and receipts, and recall.  Every route checks the
 * caller's seat in the conversation first (im_require); a member sees the messages after the
 * one that added them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/im/conversation.h"
#include "apps/im/file.h"
#include "apps/im/hub.h"
#include "apps/im/im.h"
#include "apps/im/message.h"
#include "apps/im/search.h"
#include "apps/im/writer.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/banned.h"

#define TEXT_MAX_CHARS 5000
#define PAGE_MAX 200

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* ---- sending ---- */

static void send_done(struct im_send *s)
{
	struct req_later *l = s->ctx;
	if (s->err)
		req_later_fail(l, s->err, s->detail);
	else
		req_later_json(l, s->duplicate ? 200 : 201, s->message, s->message_len);
	im_send_free(s);
}

/* A message of cid that the seat sees (after it joined, not recalled unless allowed): 1, 0. */
static int visible_seq(struct store *st, int64_t cid, int64_t seq, const struct im_seat *seat)
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM messages WHERE conversation_id = ? AND seq = ? AND seq > ?");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, seq);
	store_bind_int(s, 3, seat->joined_seq);
	int found = store_step(s) == STORE_ROW;
	store_reset(s);
	return found;
}

static enum err bad(struct req *r, const char *field, const char *detail)
{
	req_extra(r, "field", json_string(field));
	return req_fail(r, ERR_INVALID_VALUE, "%s", detail);
}

/* text: the text, and the members it mentions (mention_all for @all: the group's managers). */
static enum err text_body(struct req *r, const struct im_conv *c, const struct im_seat *seat, struct im_send *m,
			  struct jsonw *w)
{
	const char *text = req_str(r, "text");
	if (!text || !*text || utf8_chars(text) > TEXT_MAX_CHARS)
		return bad(r, "text", "'text' must be 1 to 5000 characters");
	json_t *mentions = json_object_get(r->body, "mentions"), *v;
	size_t i;
	if (mentions && (!json_is_array(mentions) || json_array_size(mentions) > 64))
		return bad(r, "mentions", "'mentions' must be a list of at most 64 user ids");
	jsonw_str(w, "text", text);
	if (json_is_true(json_object_get(r->body, "mention_all"))) {
		if (strcmp(c->kind, "direct") && !im_seat_manages(seat)) {
			req_extra(r, "right", json_string("admin"));
			return req_fail(r, ERR_FORBIDDEN, "only the group's owner and administrators may mention everyone");
		}
		m->mentions[m->nmentions++] = 0;
		jsonw_bool(w, "mention_all", 1);
	}
	if (mentions) {
		jsonw_open(w, "mentions", '[');
		json_array_foreach(mentions, i, v) {
			int64_t uid;
			if (!json_is_string(v) || id_parse(json_string_value(v), &uid) ||
			    im_is_member(r->app->st, c->eid, c->id, uid) != 1)
				return bad(r, "mentions", "'mentions' names someone who is not in this conversation");
			if (m->nmentions < sizeof(m->mentions) / sizeof(m->mentions[0]))
				m->mentions[m->nmentions++] = uid;
			jsonw_id(w, NULL, uid);
		}
		jsonw_close(w, ']');
	}
	m->text = strdup(text);
	return ERR_OK;
}

/* image, file, voice: a file the sender uploaded (or sees), described by the file store. */
static enum err file_body(struct req *r, const struct im_conv *c, struct im_send *m, struct jsonw *w)
{
	int64_t fid;
	enum err e = ERR_OK;
	const char *text = req_str(r, "file_id");
	if (!text || id_parse(text, &fid) || file_describe(r->app->st, c->eid, fid, r->user_id, m->kind, w, &e)) {
		req_extra(r, "field", json_string("file_id"));
		if (e == ERR_INVALID_VALUE)
			return req_fail(r, e, "'file_id' names a file of another kind than %s", m->kind);
		return req_fail(r, ERR_FILE_NOT_FOUND, "'file_id' names no file of yours in this enterprise");
	}
	m->files[m->nfiles++] = fid;
	return ERR_OK;
}

static enum err location_body(struct req *r, struct jsonw *w)
{
	json_t *lat = json_object_get(r->body, "latitude"), *lng = json_object_get(r->body, "longitude");
	if (!json_is_number(lat) || fabs(json_number_value(lat)) > 90)
		return bad(r, "latitude", "'latitude' must be a number from -90 to 90");
	if (!json_is_number(lng) || fabs(json_number_value(lng)) > 180)
		return bad(r, "longitude", "'longitude' must be a number from -180 to 180");
	const char *name = req_str(r, "name"), *address = req_str(r, "address");
	enum err rc;
	if ((name && (rc = org_check_text(r, "name", name, 100, 1))) ||
	    (address && (rc = org_check_text(r, "address", address, 200, 1))))
		return rc;
	char num[32];
	snprintf(num, sizeof(num), "%.7f", json_number_value(lat));
	jsonw_raw(w, "latitude", num, strlen(num));
	snprintf(num, sizeof(num), "%.7f", json_number_value(lng));
	jsonw_raw(w, "longitude", num, strlen(num));
	jsonw_str(w, "name", name ? name : "");
	jsonw_str(w, "address", address ? address : "");
	return ERR_OK;
}

/* card: a colleague's card, by their user id. */
static enum err card_body(struct req *r, const struct im_conv *c, struct jsonw *w)
{
	int64_t uid;
	struct org_member m;
	const char *text = req_str(r, "user_id");
	if (!text || id_parse(text, &uid) || org_member_get(r->app->st, c->eid, uid, &m) != 1 || !m.active) {
		req_extra(r, "field", json_string("user_id"));
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "'user_id' must name an active member of this enterprise");
	}
	/* Only the id: the name shown is the one of the day, or a pseudonym once they have left. */
	jsonw_id(w, "user_id", uid);
	return ERR_OK;
}

/*
 * forward: a copy of a message the caller sees in another (or this) conversation of the
 * enterprise, with its files; the copy says it was forwarded.
 */
static enum err forward_body(struct req *r, const struct im_conv *c, struct im_send *m)
{
	int64_t from, seq;
	json_t *seqv = json_object_get(r->body, "from_seq");
	const char *text = req_str(r, "from_conversation_id");
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT g.kind, g.body FROM messages g JOIN conversation_members x ON x.conversation_id = g.conversation_id"
		" AND x.user_id = ? JOIN conversations v ON v.id = g.conversation_id AND v.dissolved_at IS NULL"
		" WHERE g.conversation_id = ? AND g.seq = ? AND g.seq > x.joined_seq AND g.recalled_at IS NULL"
		" AND g.enterprise_id = ?");
	int found = text && !id_parse(text, &from) && json_is_integer(seqv);
	if (found) {
		seq = json_integer_value(seqv);
		store_bind_int(s, 1, r->user_id);
		store_bind_int(s, 2, from);
		store_bind_int(s, 3, seq);
		store_bind_int(s, 4, c->eid);
		found = store_step(s) == STORE_ROW && im_kind_sendable(store_col_text(s, 0));
	}
	if (!found) {
		store_reset(s);
		req_extra(r, "field", json_string("from_seq"));
		return req_fail(r, ERR_MESSAGE_NOT_FOUND, "no message you may forward at from_conversation_id and from_seq");
	}
	static const char *const kinds[] = { "text", "image", "file", "voice", "location", "card" };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i], store_col_text(s, 0)))
			m->kind = kinds[i];
	json_t *body = json_loads(store_col_text(s, 1), 0, NULL);
	store_reset(s);
	json_t *text_v = json_object_get(body, "text");
	if (json_is_string(text_v))
		m->text = strdup(json_string_value(text_v));
	json_object_del(body, "mentions");
	json_object_del(body, "mention_all");
	json_object_set_new(body, "forwarded", json_true());
	m->body = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!m->body)
		return req_fail(r, ERR_INTERNAL, "cannot copy the message");
	s = store_prepare(r->app->st, "SELECT file_id FROM message_files WHERE conversation_id = ? AND seq = ?");
	store_bind_int(s, 1, from);
	store_bind_int(s, 2, seq);
	while (store_step(s) == STORE_ROW && m->nfiles < sizeof(m->files) / sizeof(m->files[0]))
		m->files[m->nfiles++] = store_col_int(s, 0);
	store_reset(s);
	return ERR_OK;
}

static enum err post_message(struct req *r)
{
	static const struct field spec[] = {
		{ "client_id", F_STRING, 1 }, { "kind", F_STRING, 1 }, { "text", F_STRING, 0 }, { "mentions", F_ARRAY, 0 },
		{ "mention_all", F_BOOL, 0 }, { "reply_to", F_INT, 0 }, { "file_id", F_STRING, 0 },
		{ "latitude", F_ANY, 0 }, { "longitude", F_ANY, 0 }, { "name", F_STRING, 0 }, { "address", F_STRING, 0 },
		{ "user_id", F_STRING, 0 }, { "from_conversation_id", F_STRING, 0 }, { "from_seq", F_INT, 0 }, { 0 }
	};
	struct im_conv c;
	struct im_seat seat;
	enum err rc;
	if ((rc = im_require(r, &c, &seat)) || (rc = req_read_body(r)) || (rc = req_check_body(r, spec)))
		return rc;
	const char *client_id = req_str(r, "client_id"), *kind = req_str(r, "kind");
	if (!*client_id || strlen(client_id) > IM_CLIENT_ID_MAX)
		return bad(r, "client_id", "'client_id' must be 1 to 64 characters, the same on every retry of one send");
	if (c.mute_all && !im_seat_manages(&seat))
		return req_fail(r, ERR_CONVERSATION_MUTED, NULL);
	struct im_send *m = calloc(1, sizeof(*m));
	if (!m)
		return req_fail(r, ERR_INTERNAL, "out of memory");
	m->eid = c.eid;
	m->cid = c.id;
	m->sender = r->user_id;
	snprintf(m->client_id, sizeof(m->client_id), "%s", client_id);
	json_t *reply = json_object_get(r->body, "reply_to");
	if (reply) {
		m->reply_to = json_integer_value(reply);
		if (m->reply_to < 1 || !visible_seq(r->app->st, c.id, m->reply_to, &seat)) {
			im_send_free(m);
			req_extra(r, "field", json_string("reply_to"));
			return req_fail(r, ERR_MESSAGE_NOT_FOUND, "'reply_to' names no message of this conversation you see");
		}
	}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	rc = ERR_OK;
	if (!strcmp(kind, "text")) {
		m->kind = "text";
		rc = text_body(r, &c, &seat, m, &w);
	} else if (!strcmp(kind, "image") || !strcmp(kind, "file") || !strcmp(kind, "voice")) {
		m->kind = !strcmp(kind, "image") ? "image" : !strcmp(kind, "file") ? "file" : "voice";
		rc = file_body(r, &c, m, &w);
	} else if (!strcmp(kind, "location")) {
		m->kind = "location";
		rc = location_body(r, &w);
	} else if (!strcmp(kind, "card")) {
		m->kind = "card";
		rc = card_body(r, &c, &w);
	} else if (!strcmp(kind, "forward")) {
		rc = forward_body(r, &c, m);
	} else {
		rc = bad(r, "kind", "'kind' must be text, image, file, voice, location, card or forward");
	}
	if (rc) {
		jsonw_release(&w);
		im_send_free(m);
		return rc;
	}
	if (m->body) { /* a forward brings its own */
		jsonw_release(&w);
	} else {
		jsonw_close(&w, '}');
		m->body = w.buf; /* taken over */
	}
	m->kr = r->app->kr;
	m->loop = r->app->loop;
	m->done = send_done;
	if (!(m->ctx = req_defer(r))) {
		im_send_free(m);
		return req_fail(r, ERR_INTERNAL, "out of memory");
	}
	im_writer_submit(m);
	return ERR_OK;
}

/* ---- reading ---- */

/* Writes messages of cid after seq `after` (ascending), at most limit; *more when there are more. */
static void messages_after(struct req *r, int64_t cid, int64_t after, int limit, struct jsonw *w, int *more)
{
	struct store_stmt *s = store_prepare(r->app->st, "SELECT " IM_MESSAGE_COLS " FROM messages m"
							 " WHERE m.conversation_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, after);
	store_bind_int(s, 3, limit + 1);
	int n = 0;
	*more = 0;
	while (store_step(s) == STORE_ROW) {
		if (++n > limit) {
			*more = 1;
			break;
		}
		im_message_write(r->app->st, r->app->kr, s, w);
	}
	store_reset(s);
}

static enum err query_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out)
{
	const char *v = req_query(r, name);
	char *end;
	*out = def;
	if (!v)
		return ERR_OK;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < min || n > max) {
		req_extra(r, "field", json_string(name));
		return req_fail(r, ERR_INVALID_VALUE, "'%s' must be a whole number from %lld to %lld", name, (long long)min,
				(long long)max);
	}
	*out = n;
	return ERR_OK;
}

/*
 * History: ?after=<seq> reads forward from there (what a client missed), ?before=<seq> reads
 * back from there (scrolling up), neither the latest page.  Oldest first; has_more says whether
 * more lie in that direction.
 */
static enum err get_messages(struct req *r)
{
	struct im_conv c;
	struct im_seat seat;
	int64_t after, before, limit;
	int more = 0;
	enum err rc;
	if ((rc = im_require(r, &c, &seat)) || (rc = query_int(r, "after", 0, INT64_MAX, -1, &after)) ||
	    (rc = query_int(r, "before", 1, INT64_MAX, 0, &before)) || (rc = query_int(r, "limit", 1, PAGE_MAX, 50, &limit)))
		return rc;
	if (after >= 0 && before)
		return bad(r, "before", "give after or before, not both");
	if (after < 0) {
		/* back from before (or the end): the page that ends just under it; older ones exist
		 * when any message lies at or under its start (retention may have removed some) */
		int64_t end = before ? before - 1 : c.last_seq;
		after = end - limit > seat.joined_seq ? end - limit : seat.joined_seq;
		limit = end - after > 0 ? end - after : 0;
		struct store_stmt *s = store_prepare(r->app->st,
			"SELECT 1 FROM messages WHERE conversation_id = ? AND seq > ? AND seq <= ? LIMIT 1");
		store_bind_int(s, 1, c.id);
		store_bind_int(s, 2, seat.joined_seq);
		store_bind_int(s, 3, after);
		more = store_step(s) == STORE_ROW;
		store_reset(s);
	}
	if (after < seat.joined_seq)
		after = seat.joined_seq;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "messages", '[');
	int forward_more = 0;
	if (limit)
		messages_after(r, c.id, after, (int)limit, &w, &forward_more);
	jsonw_close(&w, ']');
	jsonw_bool(&w, "has_more", before || req_query(r, "after") == NULL ? more : forward_more);
	jsonw_int(&w, "last_seq", c.last_seq);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/*
 * Sync: the client says, per conversation, the last seq it holds; it gets, for every conversation
 * it is in, what came after (oldest first, at most limit each; has_more asks for another round),
 * conversations it did not know, and those it is no longer in ("gone").
 */
static enum err post_sync(struct req *r)
{
	static const struct field spec[] = { { "conversations", F_OBJECT, 0 }, { "limit", F_INT, 0 }, { 0 } };
	int64_t eid;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL)) || (rc = req_read_body(r)) ||
	    (rc = req_check_body(r, spec)))
		return rc;
	json_t *known = json_object_get(r->body, "conversations"), *lim = json_object_get(r->body, "limit"), *v;
	json_int_t limit = lim ? json_integer_value(lim) : 100;
	if (limit < 1 || limit > PAGE_MAX)
		return bad(r, "limit", "'limit' must be 1 to 200");
	const char *key;
	json_object_foreach(known, key, v) {
		int64_t cid;
		if (id_parse(key, &cid) || !json_is_integer(v) || json_integer_value(v) < 0)
			return bad(r, "conversations", "'conversations' maps conversation ids to the last seq held (0 or more)");
	}
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT c.id, c.last_seq, m.joined_seq FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id"
		" WHERE m.user_id = ? AND m.enterprise_id = ? AND c.dissolved_at IS NULL ORDER BY c.last_at DESC LIMIT 1000");
	store_bind_int(s, 1, r->user_id);
	store_bind_int(s, 2, eid);
	struct { int64_t id, last, joined; } *mine = NULL;
	size_t n = 0, cap = 0;
	while (store_step(s) == STORE_ROW) {
		if (n == cap) {
			void *more = realloc(mine, (cap = cap ? cap * 2 : 64) * sizeof(*mine));
			if (!more)
				break;
			mine = more;
		}
		mine[n].id = store_col_int(s, 0);
		mine[n].last = store_col_int(s, 1);
		mine[n++].joined = store_col_int(s, 2);
	}
	store_reset(s);
	struct jsonw w;
	char id[ID_STR_LEN];
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "conversations", '[');
	for (size_t i = 0; i < n; i++) {
		json_t *held = json_object_get(known, id_format(mine[i].id, id));
		int64_t since = held ? json_integer_value(held) : 0;
		if (since < mine[i].joined)
			since = mine[i].joined;
		if (held && since >= mine[i].last)
			continue; /* nothing new */
		int more;
		jsonw_open(&w, NULL, '{');
		jsonw_id(&w, "id", mine[i].id);
		jsonw_int(&w, "last_seq", mine[i].last);
		jsonw_open(&w, "messages", '[');
		messages_after(r, mine[i].id, since, (int)limit, &w, &more);
		jsonw_close(&w, ']');
		jsonw_bool(&w, "has_more", more);
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_open(&w, "gone", '[');
	json_object_foreach(known, key, v) {
		int64_t cid;
		size_t i = 0;
		id_parse(key, &cid);
		while (i < n && mine[i].id != cid)
			i++;
		if (i == n)
			jsonw_str(&w, NULL, key);
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	free(mine);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* ---- read positions, receipts ---- */

/* Marks the conversation read up to seq (never backwards, never past its end). */
static enum err post_read(struct req *r)
{
	static const struct field spec[] = { { "seq", F_INT, 1 }, { 0 } };
	struct im_conv c;
	struct im_seat seat;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = im_require(r, &c, &seat)) || (rc = req_read_body(r)) || (rc = req_check_body(r, spec)))
		return rc;
	json_int_t seq = json_integer_value(json_object_get(r->body, "seq"));
	if (seq < 0)
		return bad(r, "seq", "'seq' must be 0 or more");
	if (seq > c.last_seq)
		seq = c.last_seq;
	int64_t now_read = seq > seat.read_seq ? seq : seat.read_seq;
	if (now_read > seat.read_seq) {
		struct store_stmt *s = store_prepare(r->app->st,
			"UPDATE conversation_members SET read_seq = ? WHERE conversation_id = ? AND user_id = ? AND read_seq < ?");
		store_bind_int(s, 1, now_read);
		store_bind_int(s, 2, c.id);
		store_bind_int(s, 3, r->user_id);
		store_bind_int(s, 4, now_read);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot store the read position");
	}
	if ((rc = org_commit(r)))
		return rc;
	char body[224];
	int n = snprintf(body, sizeof(body),
			 "{\"type\":\"read\",\"enterprise_id\":\"%lld\",\"conversation_id\":\"%lld\",\"user_id\":\"%lld\",\"seq\":%lld}",
			 (long long)c.eid, (long long)c.id, (long long)r->user_id, (long long)now_read);
	if (now_read > seat.read_seq)
		im_publish_members(r->app->st, c.id, body, (size_t)n);
	n = snprintf(body, sizeof(body), "{\"read_seq\":%lld}", (long long)now_read);
	req_json_text(r, 200, body, (size_t)n);
	return ERR_OK;
}

/* Who has read message seq and who has not: the members who were there when it came, but its sender. */
static enum err get_receipts(struct req *r)
{
	struct im_conv c;
	struct im_seat seat;
	int64_t seq;
	enum err rc;
	if ((rc = im_require(r, &c, &seat)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT sender_id FROM messages WHERE conversation_id = ? AND seq = ? AND seq > ?");
	int found = !id_parse(r->params[2], &seq);
	int64_t sender = 0;
	if (found) {
		store_bind_int(s, 1, c.id);
		store_bind_int(s, 2, seq);
		store_bind_int(s, 3, seat.joined_seq);
		found = store_step(s) == STORE_ROW;
		sender = found ? store_col_int(s, 0) : 0;
		store_reset(s);
	}
	if (!found)
		return req_fail(r, ERR_MESSAGE_NOT_FOUND, NULL);
	struct jsonw w;
	int64_t counts[2] = { 0, 0 };
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_int(&w, "seq", seq);
	for (int read = 1; read >= 0; read--) {
		jsonw_open(&w, read ? "read" : "unread", '[');
		s = store_prepare(r->app->st,
			"SELECT user_id FROM conversation_members WHERE conversation_id = ? AND user_id <> ? AND joined_seq < ?"
			" AND (read_seq >= ?) = ? ORDER BY user_id");
		store_bind_int(s, 1, c.id);
		store_bind_int(s, 2, sender);
		store_bind_int(s, 3, seq);
		store_bind_int(s, 4, seq);
		store_bind_int(s, 5, read);
		while (store_step(s) == STORE_ROW) {
			org_write_person(r->app->st, r->app->kr, c.eid, store_col_int(s, 0), NULL, &w);
			counts[read]++;
		}
		store_reset(s);
		jsonw_close(&w, ']');
	}
	jsonw_int(&w, "read_count", counts[1]);
	jsonw_int(&w, "unread_count", counts[0]);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* ---- recall ---- */

/*
 * The sender within im-recall-seconds, or the group's owner and administrators at any time: the
 * content is deleted (not hidden), with its mentions and the files it carried, and a recall
 * event tells every member.
 */
static enum err post_recall(struct req *r)
{
	struct im_conv c;
	struct im_seat seat;
	int64_t seq, now = clock_now_ms();
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = im_require(r, &c, &seat)))
		return rc;
	struct store_stmt *s = store_prepare(st,
		"SELECT sender_id, created_at, kind FROM messages WHERE conversation_id = ? AND seq = ? AND seq > ?"
		" AND recalled_at IS NULL");
	int found = !id_parse(r->params[2], &seq);
	int64_t sender = 0, at = 0;
	if (found) {
		store_bind_int(s, 1, c.id);
		store_bind_int(s, 2, seq);
		store_bind_int(s, 3, seat.joined_seq);
		found = store_step(s) == STORE_ROW && im_kind_sendable(store_col_text(s, 2));
		if (found) {
			sender = store_col_int(s, 0);
			at = store_col_int(s, 1);
		}
		store_reset(s);
	}
	if (!found)
		return req_fail(r, ERR_MESSAGE_NOT_FOUND, "no message of yours or others at seq %.24s that can be recalled", r->params[2]);
	int manager = strcmp(c.kind, "direct") && im_seat_manages(&seat);
	if (sender != r->user_id && !manager)
		return req_fail(r, ERR_FORBIDDEN, "only its sender, or the group's owner and administrators, recall a message");
	if (!manager && now - at > r->app->cfg->im_recall_seconds * 1000)
		return req_fail(r, ERR_RECALL_TOO_LATE, "a message may be recalled within %lld seconds",
				(long long)r->app->cfg->im_recall_seconds);
	/* Out of the search index at once, while the body still holds the text it was made of. */
	if (im_search_forget(st, c.id, seq))
		return req_fail(r, ERR_INTERNAL, "cannot recall the message");
	static const char *const sql[] = {
		"UPDATE messages SET body = '{}', recalled_at = ? WHERE conversation_id = ? AND seq = ?",
		"DELETE FROM message_mentions WHERE ? > 0 AND conversation_id = ? AND seq = ?",
		"DELETE FROM message_files WHERE ? > 0 AND conversation_id = ? AND seq = ?",
	};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		s = store_prepare(st, sql[i]);
		store_bind_int(s, 1, now);
		store_bind_int(s, 2, c.id);
		store_bind_int(s, 3, seq);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot recall the message");
	}
	char body[64];
	snprintf(body, sizeof(body), "{\"seq\":%lld}", (long long)seq);
	int64_t event = im_event_append(st, c.eid, c.id, r->user_id, "recall", body);
	if (!event)
		return req_fail(r, ERR_INTERNAL, "cannot recall the message");
	if ((rc = org_commit(r)))
		return rc;
	im_publish_seq(r, c.id, event, 0);
	int n = snprintf(body, sizeof(body), "{\"seq\":%lld,\"recall_seq\":%lld}", (long long)seq, (long long)event);
	req_json_text(r, 200, body, (size_t)n);
	return ERR_OK;
}

const struct route message_routes[] = {
	{ "POST", "/api/v1/enterprises/{eid}/conversations/{cid}/messages", post_message, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/conversations/{cid}/messages", get_messages, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/conversations/{cid}/messages/{seq}/receipts", get_receipts, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/conversations/{cid}/messages/{seq}/recall", post_recall, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/conversations/{cid}/read", post_read, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/im/sync", post_sync, ROUTE_AUTH },
	{ 0 }
};
