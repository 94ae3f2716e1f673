/*
 * WebSocket frames (RFC 6455) as Atrium writes and reads them: server frames are encoded here,
 * unmasked and whole, once per event however many sockets send them; client frames are checked
 * here and decoded by wslay.  No sockets: http/ws.c drives these.
 */
#ifndef ATRIUM_HTTP_WS_FRAME_H
#define ATRIUM_HTTP_WS_FRAME_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define WS_HEADER_MAX 10           /* an unmasked header: 2, 4 or 10 bytes */
#define WS_PAYLOAD_MAX (64 * 1024) /* the largest client frame or message taken (else 1009) */
#define WS_CONTROL_MAX 125         /* the largest payload of a ping, pong or close */

enum ws_opcode {
	WS_CONTINUATION = 0x0,
	WS_TEXT = 0x1,
	WS_BINARY = 0x2,
	WS_CLOSE = 0x8,
	WS_PING = 0x9,
	WS_PONG = 0xa,
};

/*
 * An encoded server frame, shared by every socket that sends it (reference counted, any
 * thread).  bytes[0..len) go on the wire as they are.
 */
struct ws_frame {
	atomic_uint refs;
	uint32_t len;
	uint8_t bytes[];
};

/* A final frame of opcode carrying payload[0..len) (copied), with one reference. */
struct ws_frame *ws_frame_new(enum ws_opcode op, const void *payload, size_t len);
/* A close frame with code and a reason cut to fit the 125 bytes of a control frame. */
struct ws_frame *ws_frame_close(uint16_t code, const char *reason);
void ws_frame_ref(struct ws_frame *f);
/* Drops the caller's reference and clears *fp; the last one frees the frame. */
void ws_frame_unref(struct ws_frame **fp);

/* Writes the header of an unmasked final frame into out; returns its length (2, 4 or 10). */
size_t ws_frame_header(uint8_t out[WS_HEADER_MAX], enum ws_opcode op, uint64_t len);

/* What the header of a client frame says. */
struct ws_frame_info {
	uint8_t fin, rsv, opcode, masked;
	uint64_t payload_len;
	size_t header_len; /* with the masking key */
};

/*
 * Reads the header of the frame at the start of buf[0..len) without consuming anything.
 * Returns the size of the whole frame (header and payload) and fills *info once the header is
 * there; 0 while the header is incomplete; -1 when the header breaks RFC 6455 in a way that
 * makes its length unknowable (a 64-bit length with the top bit set).  The caller checks the
 * rest (mask bit, reserved bits, opcodes, sizes) before waiting for the payload.
 */
int64_t ws_frame_peek(const uint8_t *buf, size_t len, struct ws_frame_info *info /* OUT */);

/*
 * The decoder of client frames: one wslay frame context per event loop, not per socket (it
 * holds a 4 KiB buffer; wslay's event context is 8.6 KiB), fed only whole frames, so it is back
 * at a frame boundary after each and any socket may use it next.  One thread at a time.
 */
struct ws_reader;
struct ws_reader *ws_reader_new(void);
void ws_reader_free(struct ws_reader *r);
/*
 * Decodes the whole frame frame[0..size) (size as ws_frame_peek() gave it; the payload at most
 * WS_PAYLOAD_MAX) and writes its unmasked payload into out (payload_len bytes).  0, or -1 when
 * wslay finds a protocol error (a fragmented or oversized control frame, a length written in more
 * bytes than it needs).
 */
int ws_reader_read(struct ws_reader *r, const uint8_t *frame, size_t size, uint8_t *out);

#endif
