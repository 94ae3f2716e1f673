/* Unit tests of core/image.c: re-encoded images keep none of the upload's metadata, stand
 * upright, keep their animation when asked, and thumbnails fit their box. */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <vips/vips.h>
#include <zlib.h>
#include "core/image.h"

/* An upload made with libvips itself: w × h, with an orientation tag and a camera make. */
static uint8_t *jpeg_upload(int w, int h, int orientation, size_t *len)
{
	VipsImage *img;
	void *buf;
	assert_int_equal(vips_black(&img, w, h, "bands", 3, NULL), 0);
	vips_image_set_int(img, VIPS_META_ORIENTATION, orientation);
	vips_image_set_string(img, "exif-ifd0-Make", "SpyCam (SpyCam, ASCII, 7 components, 7 bytes)");
	assert_int_equal(vips_jpegsave_buffer(img, &buf, len, NULL), 0);
	g_object_unref(img);
	uint8_t *out = malloc(*len);
	memcpy(out, buf, *len);
	g_free(buf);
	return out;
}

static int has(const uint8_t *d, size_t len, const char *s)
{
	return memmem(d, len, s, strlen(s)) != NULL;
}

static void test_image__sniff_and_mime(void **state)
{
	assert_int_equal(image_sniff((const uint8_t *)"GIF87a", 6), IMAGE_GIF);
	assert_int_equal(image_sniff((const uint8_t *)"GIF89a", 6), IMAGE_GIF);
	assert_int_equal(image_sniff((const uint8_t *)"GIF90a", 6), IMAGE_NONE);
	assert_int_equal(image_sniff((const uint8_t *)"\xff\xd8\xff", 3), IMAGE_JPEG);
	assert_string_equal(image_type_mime(IMAGE_GIF), "image/gif");
	assert_null(image_type_mime(IMAGE_NONE));
}

static void test_image__upright_and_without_metadata(void **state)
{
	size_t len;
	char why[200] = "";
	int w = 0, h = 0;
	assert_int_equal(image_init(), 0);
	uint8_t *up = jpeg_upload(64, 32, 6, &len); /* stored sideways: shown 32 wide, 64 high */
	assert_true(has(up, len, "Exif"));
	assert_true(has(up, len, "SpyCam"));
	assert_int_equal(image_probe(up, len, IMAGE_JPEG, &w, &h, why, sizeof(why)), 0);
	assert_int_equal(w, 32);
	assert_int_equal(h, 64);

	struct image_out full, thumb, small;
	assert_int_equal(image_render(up, len, IMAGE_JPEG, IMAGE_FIT_ORIGINAL, 0, IMAGE_NONE, &full, why, sizeof(why)), 0);
	assert_int_equal(full.type, IMAGE_JPEG);
	assert_int_equal(full.width, 32);
	assert_int_equal(full.height, 64);
	assert_false(has(full.data, full.len, "Exif"));
	assert_false(has(full.data, full.len, "SpyCam"));
	/* Read back: no orientation left to apply twice. */
	VipsImage *back;
	assert_int_equal(vips_jpegload_buffer(full.data, full.len, &back, NULL), 0);
	assert_int_equal(vips_image_get_orientation(back), 1);
	assert_int_equal(vips_image_get_width(back), 32);
	g_object_unref(back);

	assert_int_equal(image_render(up, len, IMAGE_JPEG, IMAGE_FIT_INSIDE, 16, IMAGE_JPEG, &thumb, why, sizeof(why)), 0);
	assert_int_equal(thumb.width, 8);
	assert_int_equal(thumb.height, 16);
	assert_false(has(thumb.data, thumb.len, "Exif"));
	/* Never enlarged to fit a larger box. */
	assert_int_equal(image_render(up, len, IMAGE_JPEG, IMAGE_FIT_INSIDE, 320, IMAGE_JPEG, &small, why, sizeof(why)), 0);
	assert_int_equal(small.width, 32);
	assert_int_equal(small.height, 64);
	free(full.data);
	free(thumb.data);
	free(small.data);
	free(up);
}

static void test_image__png_keeps_alpha_and_format_thumbnail_is_flat_jpeg(void **state)
{
	VipsImage *img, *alpha;
	void *buf;
	size_t len;
	char why[200] = "";
	assert_int_equal(vips_black(&img, 20, 10, "bands", 4, NULL), 0);
	assert_int_equal(vips_copy(img, &alpha, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
	void *plain;
	size_t plain_len;
	assert_int_equal(vips_pngsave_buffer(alpha, &plain, &plain_len, NULL), 0);
	/* A tEXt chunk after the header: what a camera app or editor leaves in. */
	static const char text[] = "Comment\0where I live";
	uint8_t chunk[12 + sizeof(text) - 1];
	uint32_t n = sizeof(text) - 1, crc;
	chunk[0] = 0, chunk[1] = 0, chunk[2] = 0, chunk[3] = (uint8_t)n;
	memcpy(chunk + 4, "tEXt", 4);
	memcpy(chunk + 8, text, n);
	crc = (uint32_t)crc32(0, chunk + 4, 4 + n);
	for (int i = 0; i < 4; i++)
		chunk[8 + n + i] = (uint8_t)(crc >> (24 - 8 * i));
	len = plain_len + sizeof(chunk);
	buf = g_malloc(len);
	memcpy(buf, plain, 33); /* signature and IHDR */
	memcpy((uint8_t *)buf + 33, chunk, sizeof(chunk));
	memcpy((uint8_t *)buf + 33 + sizeof(chunk), (uint8_t *)plain + 33, plain_len - 33);
	g_free(plain);
	assert_true(has(buf, len, "where I live"));
	struct image_out full, thumb;
	assert_int_equal(image_render(buf, len, IMAGE_PNG, IMAGE_FIT_ORIGINAL, 0, IMAGE_NONE, &full, why, sizeof(why)), 0);
	assert_int_equal(full.type, IMAGE_PNG);
	assert_false(has(full.data, full.len, "where I live"));
	VipsImage *back;
	assert_int_equal(vips_pngload_buffer(full.data, full.len, &back, NULL), 0);
	assert_true(vips_image_hasalpha(back));
	g_object_unref(back);
	assert_int_equal(image_render(buf, len, IMAGE_PNG, IMAGE_FIT_INSIDE, 10, IMAGE_JPEG, &thumb, why, sizeof(why)), 0);
	assert_int_equal(thumb.type, IMAGE_JPEG);
	assert_int_equal(thumb.width, 10);
	assert_int_equal(thumb.height, 5);
	free(full.data);
	free(thumb.data);
	g_free(buf);
	g_object_unref(alpha);
	g_object_unref(img);
}

static void test_image__an_animation_keeps_its_frames(void **state)
{
	VipsImage *img, *frames;
	void *buf;
	size_t len;
	char why[200] = "";
	int w, h;
	/* Three frames of 12 × 10, one above the other. */
	assert_int_equal(vips_black(&img, 12, 30, "bands", 3, NULL), 0);
	assert_int_equal(vips_copy(img, &frames, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
	vips_image_set_int(frames, VIPS_META_PAGE_HEIGHT, 10);
	assert_int_equal(vips_gifsave_buffer(frames, &buf, &len, NULL), 0);
	assert_int_equal(image_sniff(buf, len), IMAGE_GIF);
	assert_int_equal(image_probe(buf, len, IMAGE_GIF, &w, &h, why, sizeof(why)), 0);
	assert_int_equal(w, 12);
	assert_int_equal(h, 10);
	struct image_out full, thumb;
	assert_int_equal(image_render(buf, len, IMAGE_GIF, IMAGE_FIT_ORIGINAL, 0, IMAGE_NONE, &full, why, sizeof(why)), 0);
	assert_int_equal(full.type, IMAGE_GIF);
	assert_int_equal(full.height, 10);
	VipsImage *back;
	assert_int_equal(vips_gifload_buffer(full.data, full.len, &back, "n", -1, NULL), 0);
	assert_int_equal(vips_image_get_n_pages(back), 3);
	g_object_unref(back);
	/* The thumbnail is its first frame. */
	assert_int_equal(image_render(buf, len, IMAGE_GIF, IMAGE_FIT_INSIDE, 6, IMAGE_JPEG, &thumb, why, sizeof(why)), 0);
	assert_int_equal(thumb.width, 6);
	assert_int_equal(thumb.height, 5);
	free(full.data);
	free(thumb.data);
	g_free(buf);
	g_object_unref(frames);
	g_object_unref(img);
}

static void test_image__unreadable_says_why(void **state)
{
	uint8_t broken[32] = { 0xff, 0xd8, 0xff, 0xe0 };
	char why[200] = "";
	int w, h;
	struct image_out out;
	assert_int_equal(image_probe(broken, sizeof(broken), IMAGE_JPEG, &w, &h, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot be read"));
	assert_int_equal(image_render(broken, sizeof(broken), IMAGE_JPEG, IMAGE_FIT_INSIDE, 10, IMAGE_JPEG, &out, why, sizeof(why)), -1);
	assert_null(out.data);
	assert_int_equal(out.type, IMAGE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image__sniff_and_mime),
		cmocka_unit_test(test_image__upright_and_without_metadata),
		cmocka_unit_test(test_image__png_keeps_alpha_and_format_thumbnail_is_flat_jpeg),
		cmocka_unit_test(test_image__an_animation_keeps_its_frames),
		cmocka_unit_test(test_image__unreadable_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
