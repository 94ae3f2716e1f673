/* Unit tests of apps/org/photo.c: the type of an upload by its bytes, and a thumbnail that keeps
 * none of the upload's metadata. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "apps/org/photo.h"

/* A 16 × 16 grey baseline JPEG whose APP1 holds an EXIF block naming a camera "SpyCam": one
 * component, one-code Huffman tables, every block flat (the four blocks are the byte 0x00). */
static const uint8_t jpeg_with_exif[] = {
	0xff, 0xd8,
	0xff, 0xe1, 0x00, 0x28, 'E', 'x', 'i', 'f', 0, 0,
	'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,                         /* TIFF header */
	0x00, 0x01, 0x01, 0x0f, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 'S', 'p', 'y', 0, /* Make "Spy" */
	0x00, 0x00, 0x00, 0x00,
	'S', 'p', 'y', 'C', 'a', 'm',
	0xff, 0xdb, 0x00, 0x43, 0x00,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00,
	0xff, 0xc4, 0x00, 0x14, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
	0xff, 0xc4, 0x00, 0x14, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
	0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00,
	0x00,
	0xff, 0xd9,
};

static int contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return 1;
	return 0;
}

static void test_photo__sniffs_by_content(void **state)
{
	static const uint8_t png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };
	static const uint8_t webp[] = { 'R', 'I', 'F', 'F', 9, 0, 0, 0, 'W', 'E', 'B', 'P', 'V' };
	static const uint8_t wave[] = { 'R', 'I', 'F', 'F', 9, 0, 0, 0, 'W', 'A', 'V', 'E', 'f' };
	assert_int_equal(photo_sniff(jpeg_with_exif, sizeof(jpeg_with_exif)), PHOTO_JPEG);
	assert_int_equal(photo_sniff(png, sizeof(png)), PHOTO_PNG);
	assert_int_equal(photo_sniff(webp, sizeof(webp)), PHOTO_WEBP);
	assert_int_equal(photo_sniff(wave, sizeof(wave)), PHOTO_NONE);
	assert_int_equal(photo_sniff((const uint8_t *)"GIF89a", 6), PHOTO_NONE);
	assert_int_equal(photo_sniff((const uint8_t *)"hello, not an image", 19), PHOTO_NONE);
	assert_int_equal(photo_sniff(png, 7), PHOTO_NONE); /* too short to tell */
	assert_int_equal(photo_sniff(jpeg_with_exif, 2), PHOTO_NONE);
	assert_int_equal(photo_sniff(NULL, 0), PHOTO_NONE);
	assert_string_equal(photo_type_mime(PHOTO_WEBP), "image/webp");
	assert_null(photo_type_mime(PHOTO_NONE));
}

static void test_photo__thumbnail_is_square_and_keeps_no_metadata(void **state)
{
	char why[200] = "";
	size_t len = 0;
	assert_true(contains(jpeg_with_exif, sizeof(jpeg_with_exif), "SpyCam"));
	uint8_t *out = photo_thumbnail(jpeg_with_exif, sizeof(jpeg_with_exif), PHOTO_JPEG, &len, why, sizeof(why));
	if (!out)
		fail_msg("no thumbnail: %s", why);
	assert_true(len > 100 && out[0] == 0xff && out[1] == 0xd8);
	assert_false(contains(out, len, "Exif"));
	assert_false(contains(out, len, "Spy"));
	/* The frame header says 256 × 256. */
	size_t p = 2;
	int found = 0;
	while (p + 9 < len && out[p] == 0xff) {
		size_t seg = (size_t)out[p + 2] << 8 | out[p + 3];
		if (out[p + 1] >= 0xc0 && out[p + 1] <= 0xc2) {
			assert_int_equal(out[p + 5] << 8 | out[p + 6], PHOTO_SIZE);
			assert_int_equal(out[p + 7] << 8 | out[p + 8], PHOTO_SIZE);
			found = 1;
			break;
		}
		assert_int_not_equal(out[p + 1], 0xe1); /* no APP1 (EXIF, XMP) */
		p += 2 + seg;
	}
	assert_true(found);
	free(out);
}

static void test_photo__unreadable_upload_says_why(void **state)
{
	uint8_t broken[64] = { 0xff, 0xd8, 0xff, 0xe0 };
	char why[200] = "";
	size_t len = 0;
	assert_null(photo_thumbnail(broken, sizeof(broken), PHOTO_JPEG, &len, why, sizeof(why)));
	assert_non_null(strstr(why, "cannot be read"));
	/* A header claiming 20000 × 20000 pixels is refused before anything is decoded. */
	static const uint8_t huge[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
		0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20, 8, 2, 0, 0, 0,
		0x6c, 0x12, 0xd1, 0x6e, /* CRC of the chunk */
		0x00, 0x00, 0x00, 0x0b, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0x60, 0x80, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x01,
		0x7f, 0x80, 0x74, 0x5e, /* a few bytes of data, far from 20000 rows */
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
	};
	why[0] = '\0';
	assert_null(photo_thumbnail(huge, sizeof(huge), PHOTO_PNG, &len, why, sizeof(why)));
	assert_non_null(strstr(why, "400000000 pixels"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_photo__sniffs_by_content),
		cmocka_unit_test(test_photo__thumbnail_is_square_and_keeps_no_metadata),
		cmocka_unit_test(test_photo__unreadable_upload_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
