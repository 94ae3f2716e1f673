/*
 * Member photos: type sniffing and the thumbnail libvips makes of an upload (photo.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>
#include "apps/org/photo.h"
#include "core/mem.h"
#include "core/banned.h"

#define JPEG_QUALITY 85

enum photo_type photo_sniff(const uint8_t *d, size_t len)
{
	if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return PHOTO_JPEG;
	if (len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return PHOTO_PNG;
	if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return PHOTO_WEBP;
	return PHOTO_NONE;
}

const char *photo_type_mime(enum photo_type t)
{
	switch (t) {
	case PHOTO_JPEG: return "image/jpeg";
	case PHOTO_PNG: return "image/png";
	case PHOTO_WEBP: return "image/webp";
	case PHOTO_NONE: break;
	}
	return NULL;
}

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_started = -1;

static void start_vips(void)
{
	if (VIPS_INIT("atrium"))
		return;
	/* A server decodes one small image per request on many loops at once: no thread pool per
	 * image, and nothing cached between requests (the cache would keep members' photos). */
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	/* Only the three formats are sniffed through, but no loader of doubtful safety runs anyway. */
	vips_block_untrusted_set(TRUE);
	vips_started = 0;
}

int photo_init(void)
{
	pthread_once(&vips_once, start_vips);
	return vips_started;
}

/* The reason libvips gave, in why; its error buffer is cleared. */
static uint8_t *failed(const char *what, char *why, size_t why_len)
{
	char *text = vips_error_buffer_copy();
	char *nl = text ? strchr(text, '\n') : NULL;
	if (nl)
		*nl = '\0';
	snprintf(why, why_len, "%s%s%.120s", what, text && *text ? ": " : "", text ? text : "");
	g_free(text);
	return NULL;
}

/* The upload's header only, with its own format's loader: pixels are decoded later, if at all. */
static VipsImage *load_header(const uint8_t *data, size_t len, enum photo_type t)
{
	VipsImage *img = NULL;
	void *buf = (void *)data; /* libvips takes a non-const buffer and only reads it */
	int rc = -1;
	switch (t) {
	case PHOTO_JPEG: rc = vips_jpegload_buffer(buf, len, &img, NULL); break;
	case PHOTO_PNG: rc = vips_pngload_buffer(buf, len, &img, NULL); break;
	case PHOTO_WEBP: rc = vips_webpload_buffer(buf, len, &img, NULL); break;
	case PHOTO_NONE: break;
	}
	return rc ? NULL : img;
}

uint8_t *photo_thumbnail(const uint8_t *data, size_t len, enum photo_type t, size_t *out_len, char *why, size_t why_len)
{
	VipsImage *img = NULL, *next = NULL;
	void *jpeg = NULL;
	size_t jpeg_len = 0;
	uint8_t *out = NULL;
	if (photo_init())
		return failed("the image library did not start", why, why_len);
	if (!(img = load_header(data, len, t)))
		return failed("the image cannot be read", why, why_len);
	double pixels = (double)vips_image_get_width(img) * vips_image_get_height(img);
	g_object_unref(img);
	img = NULL;
	if (pixels > PHOTO_MAX_PIXELS) {
		snprintf(why, why_len, "the image has %.0f pixels; at most %d are accepted", pixels, PHOTO_MAX_PIXELS);
		return NULL;
	}
	/* Shrink on load where the format allows, crop to the centre square, turn upright. */
	if (vips_thumbnail_buffer((void *)data, len, &img, PHOTO_SIZE, "height", PHOTO_SIZE, "crop",
				  VIPS_INTERESTING_CENTRE, NULL)) {
		failed("the image cannot be read", why, why_len);
		goto out;
	}
	if (vips_image_hasalpha(img)) {
		VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
		int rc = vips_flatten(img, &next, "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (rc) {
			failed("the image cannot be flattened", why, why_len);
			goto out;
		}
		g_object_unref(img);
		img = next;
	}
	if (vips_image_get_interpretation(img) != VIPS_INTERPRETATION_sRGB &&
	    vips_image_get_interpretation(img) != VIPS_INTERPRETATION_B_W) {
		if (vips_colourspace(img, &next, VIPS_INTERPRETATION_sRGB, NULL)) {
			failed("the image's colours cannot be converted", why, why_len);
			goto out;
		}
		g_object_unref(img);
		img = next;
	}
	/* strip: no EXIF, XMP, IPTC or ICC block is written, whatever the upload carried. */
	if (vips_jpegsave_buffer(img, &jpeg, &jpeg_len, "Q", JPEG_QUALITY, "strip", TRUE, NULL)) {
		failed("the thumbnail cannot be made", why, why_len);
		goto out;
	}
	out = xmalloc(jpeg_len);
	memcpy(out, jpeg, jpeg_len);
	*out_len = jpeg_len;
out:
	g_free(jpeg);
	if (img)
		g_object_unref(img);
	return out;
}

int photo_exists(struct store *st, int64_t eid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM member_photos WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	int found = store_step(s) == STORE_ROW;
	store_reset(s);
	return found;
}
