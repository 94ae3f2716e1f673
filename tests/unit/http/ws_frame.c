/* Unit tests of http/ws_frame.c: server frames as RFC 6455 lays them out, client frames checked
 * and decoded, one decoder shared by frames of many sockets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/mem.h"
#include "http/ws_frame.h"

/* A client frame: header, masking key, masked payload (as a browser sends it). */
static size_t client_frame(uint8_t *out, int fin, int opcode, const uint8_t *payload, size_t len)
{
	static const uint8_t key[4] = { 0x37, 0xfa, 0x21, 0x3d };
	size_t h = ws_frame_header(out, (enum ws_opcode)opcode, len);
	out[0] = (uint8_t)((fin ? 0x80 : 0) | opcode);
	out[1] |= 0x80;
	memcpy(out + h, key, 4);
	for (size_t i = 0; i < len; i++)
		out[h + 4 + i] = payload[i] ^ key[i % 4];
	return h + 4 + len;
}

static void test_ws_frame__header_takes_2_4_or_10_bytes(void **state)
{
	uint8_t h[WS_HEADER_MAX];
	assert_int_equal(ws_frame_header(h, WS_TEXT, 0), 2);
	assert_int_equal(h[0], 0x81);
	assert_int_equal(h[1], 0);
	assert_int_equal(ws_frame_header(h, WS_TEXT, 125), 2);
	assert_int_equal(h[1], 125);
	assert_int_equal(ws_frame_header(h, WS_TEXT, 126), 4);
	assert_int_equal(h[1], 126);
	assert_int_equal(h[2] << 8 | h[3], 126);
	assert_int_equal(ws_frame_header(h, WS_PONG, 65535), 4);
	assert_int_equal(h[0], 0x8a);
	assert_int_equal(h[2] << 8 | h[3], 65535);
	assert_int_equal(ws_frame_header(h, WS_TEXT, 65536), 10);
	assert_int_equal(h[1], 127);
	static const uint8_t len64k[8] = { 0, 0, 0, 0, 0, 1, 0, 0 };
	assert_memory_equal(h + 2, len64k, 8);
	/* server frames are never masked */
	assert_int_equal(h[1] & 0x80, 0);
}

static void test_ws_frame__text_frame_is_header_then_bytes_and_shared_by_count(void **state)
{
	static const char json[] = "{\"type\":\"pong\"}";
	struct ws_frame *f = ws_frame_new(WS_TEXT, json, sizeof(json) - 1);
	assert_int_equal(f->len, 2 + sizeof(json) - 1);
	assert_int_equal(f->bytes[0], 0x81);
	assert_int_equal(f->bytes[1], sizeof(json) - 1);
	assert_memory_equal(f->bytes + 2, json, sizeof(json) - 1);
	struct ws_frame *again = f;
	ws_frame_ref(again);
	ws_frame_unref(&f);
	assert_null(f);
	assert_int_equal(again->bytes[0], 0x81); /* still held by the second reference */
	ws_frame_unref(&again);
}

static void test_ws_frame__close_carries_code_and_a_reason_cut_to_fit(void **state)
{
	struct ws_frame *f = ws_frame_close(4408, "too slow: reconnect and sync");
	assert_int_equal(f->bytes[0], 0x88);
	assert_int_equal(f->bytes[1], 2 + 28);
	assert_int_equal(f->bytes[2] << 8 | f->bytes[3], 4408);
	assert_memory_equal(f->bytes + 4, "too slow: reconnect and sync", 28);
	ws_frame_unref(&f);
	/* a long reason of 3-byte characters is cut at a character's start, within 125 bytes */
	char reason[301];
	for (int i = 0; i < 100; i++)
		memcpy(reason + 3 * i, "断", 3);
	reason[300] = '\0';
	f = ws_frame_close(1001, reason);
	size_t n = f->bytes[1];
	assert_true(n <= WS_CONTROL_MAX);
	assert_int_equal((n - 2) % 3, 0);
	ws_frame_unref(&f);
}

static void test_ws_frame__peek_waits_for_the_header_and_sizes_the_frame(void **state)
{
	struct ws_frame_info fi;
	uint8_t buf[16 + 300], payload[300];
	memset(payload, 'a', sizeof(payload));
	size_t n = client_frame(buf, 1, WS_TEXT, payload, 300);
	assert_int_equal(n, 4 + 4 + 300);
	assert_int_equal(ws_frame_peek(buf, 0, &fi), 0);
	assert_int_equal(ws_frame_peek(buf, 1, &fi), 0);
	assert_int_equal(ws_frame_peek(buf, 3, &fi), 0); /* the 16-bit length is not all there */
	assert_int_equal(ws_frame_peek(buf, 4, &fi), n);
	assert_int_equal(fi.fin, 1);
	assert_int_equal(fi.opcode, WS_TEXT);
	assert_int_equal(fi.masked, 1);
	assert_int_equal(fi.rsv, 0);
	assert_int_equal(fi.payload_len, 300);
	assert_int_equal(fi.header_len, 8);
	/* a 64-bit length with its top bit set is no length at all */
	static const uint8_t bad[10] = { 0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1 };
	assert_int_equal(ws_frame_peek(bad, sizeof(bad), &fi), -1);
	/* a huge but valid length is reported, for the caller to refuse before buffering */
	static const uint8_t huge[10] = { 0x81, 0xff, 0, 0, 0, 1, 0, 0, 0, 0 };
	assert_true(ws_frame_peek(huge, sizeof(huge), &fi) > WS_PAYLOAD_MAX);
	assert_int_equal(fi.payload_len, 1ull << 32);
}

static void test_ws_frame__reader_unmasks_frames_of_many_sockets_in_turn(void **state)
{
	struct ws_reader *r = ws_reader_new();
	uint8_t *buf = xmalloc(WS_PAYLOAD_MAX + 16), *out = xmalloc(WS_PAYLOAD_MAX), *payload = xmalloc(WS_PAYLOAD_MAX);
	struct ws_frame_info fi;
	/* sizes around wslay's 4 KiB buffer and the length encodings, one after another */
	static const size_t sizes[] = { 0, 1, 125, 126, 4095, 4096, 4097, 65535, WS_PAYLOAD_MAX, 7 };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (size_t i = 0; i < sizes[k]; i++)
			payload[i] = (uint8_t)(i * 7 + k);
		size_t n = client_frame(buf, 1, WS_TEXT, payload, sizes[k]);
		assert_int_equal(ws_frame_peek(buf, n, &fi), n);
		assert_int_equal(ws_reader_read(r, buf, n, out), 0);
		if (sizes[k])
			assert_memory_equal(out, payload, sizes[k]);
	}
	/* a ping with a payload, and an empty close */
	size_t n = client_frame(buf, 1, WS_PING, (const uint8_t *)"hi", 2);
	assert_int_equal(ws_reader_read(r, buf, n, out), 0);
	assert_memory_equal(out, "hi", 2);
	n = client_frame(buf, 1, WS_CLOSE, NULL, 0);
	assert_int_equal(ws_reader_read(r, buf, n, out), 0);
	free(buf);
	free(out);
	free(payload);
	ws_reader_free(r);
}

static void test_ws_frame__reader_refuses_broken_frames_and_recovers(void **state)
{
	struct ws_reader *r = ws_reader_new();
	uint8_t buf[64], out[WS_CONTROL_MAX + 64];
	/* a fragmented ping */
	size_t n = client_frame(buf, 0, WS_PING, (const uint8_t *)"x", 1);
	assert_int_equal(ws_reader_read(r, buf, n, out), -1);
	/* a length of 5 written in 16 bits */
	static const uint8_t wide[] = { 0x81, 0xfe, 0, 5, 1, 2, 3, 4, 'h', 'e', 'l', 'l', 'o' };
	assert_int_equal(ws_reader_read(r, wide, sizeof(wide), out), -1);
	/* a frame cut short: the decoder must not stay inside it */
	n = client_frame(buf, 1, WS_TEXT, (const uint8_t *)"hello", 5);
	assert_int_equal(ws_reader_read(r, buf, n - 2, out), -1);
	/* and the next whole frame, from any socket, reads right */
	n = client_frame(buf, 1, WS_TEXT, (const uint8_t *)"{\"a\":1}", 7);
	assert_int_equal(ws_reader_read(r, buf, n, out), 0);
	assert_memory_equal(out, "{\"a\":1}", 7);
	ws_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ws_frame__header_takes_2_4_or_10_bytes),
		cmocka_unit_test(test_ws_frame__text_frame_is_header_then_bytes_and_shared_by_count),
		cmocka_unit_test(test_ws_frame__close_carries_code_and_a_reason_cut_to_fit),
		cmocka_unit_test(test_ws_frame__peek_waits_for_the_header_and_sizes_the_frame),
		cmocka_unit_test(test_ws_frame__reader_unmasks_frames_of_many_sockets_in_turn),
		cmocka_unit_test(test_ws_frame__reader_refuses_broken_frames_and_recovers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
