/* WebSocket frames: see ws_frame.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <wslay/wslay.h>
#include "core/mem.h"
#include "http/ws_frame.h"
#include "core/banned.h"

size_t ws_frame_header(uint8_t out[WS_HEADER_MAX], enum ws_opcode op, uint64_t len)
{
	out[0] = (uint8_t)(0x80 | (op & 0x0f)); /* FIN: Atrium never fragments what it sends */
	if (len < 126) {
		out[1] = (uint8_t)len;
		return 2;
	}
	if (len <= 0xffff) {
		out[1] = 126;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
		return 4;
	}
	out[1] = 127;
	for (int i = 0; i < 8; i++)
		out[2 + i] = (uint8_t)(len >> (56 - 8 * i));
	return 10;
}

struct ws_frame *ws_frame_new(enum ws_opcode op, const void *payload, size_t len)
{
	assert(len <= UINT32_MAX - WS_HEADER_MAX);
	struct ws_frame *f = xmalloc(sizeof(*f) + WS_HEADER_MAX + len);
	size_t h = ws_frame_header(f->bytes, op, len);
	if (len)
		memcpy(f->bytes + h, payload, len);
	f->len = (uint32_t)(h + len);
	atomic_init(&f->refs, 1);
	return f;
}

struct ws_frame *ws_frame_close(uint16_t code, const char *reason)
{
	uint8_t p[WS_CONTROL_MAX];
	size_t n = reason ? strlen(reason) : 0;
	if (n > sizeof(p) - 2)
		n = sizeof(p) - 2;
	/* a cut must not split a UTF-8 sequence: back up to the start of one */
	while (n > 0 && n < strlen(reason) && ((uint8_t)reason[n] & 0xc0) == 0x80)
		n--;
	p[0] = (uint8_t)(code >> 8);
	p[1] = (uint8_t)code;
	if (n)
		memcpy(p + 2, reason, n);
	return ws_frame_new(WS_CLOSE, p, n + 2);
}

void ws_frame_ref(struct ws_frame *f)
{
	atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
}

void ws_frame_unref(struct ws_frame **fp)
{
	struct ws_frame *f = *fp;
	*fp = NULL;
	if (f && atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) == 1)
		free(f);
}

int64_t ws_frame_peek(const uint8_t *buf, size_t len, struct ws_frame_info *info)
{
	if (len < 2)
		return 0;
	memset(info, 0, sizeof(*info));
	info->fin = buf[0] >> 7;
	info->rsv = (buf[0] >> 4) & 7;
	info->opcode = buf[0] & 0x0f;
	info->masked = buf[1] >> 7;
	uint64_t n = buf[1] & 0x7f;
	size_t h = 2;
	if (n == 126) {
		if (len < 4)
			return 0;
		n = (uint64_t)buf[2] << 8 | buf[3];
		h = 4;
	} else if (n == 127) {
		if (len < 10)
			return 0;
		n = 0;
		for (int i = 0; i < 8; i++)
			n = n << 8 | buf[2 + i];
		if (n >> 63)
			return -1;
		h = 10;
	}
	if (info->masked)
		h += 4;
	info->payload_len = n;
	info->header_len = h;
	/* a size past what int64_t holds cannot be, and is refused above; callers cap far lower */
	return (int64_t)(h + (n > (uint64_t)INT64_MAX - h ? 0 : n));
}

struct ws_reader {
	wslay_frame_context_ptr ctx;
	const uint8_t *in; /* the rest of the frame being decoded */
	size_t left;
};

static ssize_t reader_recv(uint8_t *buf, size_t len, int flags, void *user)
{
	(void)flags;
	struct ws_reader *r = user;
	if (!r->left)
		return -1; /* wslay then says WANT_READ: the frame was not whole */
	if (len > r->left)
		len = r->left;
	memcpy(buf, r->in, len);
	r->in += len;
	r->left -= len;
	return (ssize_t)len;
}

static void reader_start(struct ws_reader *r)
{
	static const struct wslay_frame_callbacks cb = { .recv_callback = reader_recv };
	if (wslay_frame_context_init(&r->ctx, &cb, r))
		abort(); /* out of heap */
}

struct ws_reader *ws_reader_new(void)
{
	struct ws_reader *r = xcalloc(1, sizeof(*r));
	reader_start(r);
	return r;
}

void ws_reader_free(struct ws_reader *r)
{
	if (r) {
		wslay_frame_context_free(r->ctx);
		free(r);
	}
}

int ws_reader_read(struct ws_reader *r, const uint8_t *frame, size_t size, uint8_t *out)
{
	uint64_t got = 0;
	r->in = frame;
	r->left = size;
	for (;;) {
		struct wslay_frame_iocb io;
		memset(&io, 0, sizeof(io));
		ssize_t n = wslay_frame_recv(r->ctx, &io);
		if (n < 0 || io.payload_length > WS_PAYLOAD_MAX || got + io.data_length > io.payload_length)
			goto fail;
		if (io.data_length)
			memcpy(out + got, io.data, io.data_length);
		got += io.data_length;
		if (got == io.payload_length)
			break;
	}
	if (r->left)
		goto fail; /* more bytes than the frame: the caller's size was wrong */
	return 0;
fail:
	/* the context may be stopped inside a frame: start a fresh one for the next socket */
	wslay_frame_context_free(r->ctx);
	reader_start(r);
	return -1;
}
