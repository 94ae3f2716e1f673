/*
 * Uploaded images through libvips (image.h): sniffing, header checks, re-encoding without
 * metadata.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>
#include "core/image.h"
#include "core/mem.h"
#include "core/banned.h"

#define QUALITY_SMALL 85    /* thumbnails and photos: small, seen small */
#define QUALITY_ORIGINAL 92 /* a full-size copy people zoom into */

enum image_type image_sniff(const uint8_t *d, size_t len)
{
	if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return IMAGE_JPEG;
	if (len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return IMAGE_PNG;
	if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return IMAGE_WEBP;
	if (len >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
		return IMAGE_GIF;
	return IMAGE_NONE;
}

const char *image_type_mime(enum image_type t)
{
	switch (t) {
	case IMAGE_JPEG: return "image/jpeg";
	case IMAGE_PNG: return "image/png";
	case IMAGE_WEBP: return "image/webp";
	case IMAGE_GIF: return "image/gif";
	case IMAGE_NONE: break;
	}
	return NULL;
}

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_started = -1;

static void start_vips(void)
{
	if (VIPS_INIT("atrium"))
		return;
	/* A server decodes images on several threads at once: no thread pool per image, and
	 * nothing cached between operations (the cache would keep people's images). */
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	/* Only the sniffed formats reach libvips, but no loader of doubtful safety runs anyway. */
	vips_block_untrusted_set(TRUE);
	vips_started = 0;
}

int image_init(void)
{
	pthread_once(&vips_once, start_vips);
	return vips_started;
}

/* Puts what failed and the reason libvips gave in why; its error buffer is cleared.  -1. */
static int failed(const char *what, char *why, size_t why_len)
{
	char *text = vips_error_buffer_copy();
	char *nl = text ? strchr(text, '\n') : NULL;
	if (nl)
		*nl = '\0';
	snprintf(why, why_len, "%s%s%.120s", what, text && *text ? ": " : "", text ? text : "");
	g_free(text);
	return -1;
}

/*
 * The upload with its own format's loader: only the header is read now, pixels when something
 * asks for them.  all_frames loads every frame of an animation, one above the other.
 */
static VipsImage *load(const uint8_t *data, size_t len, enum image_type t, int all_frames)
{
	VipsImage *img = NULL;
	void *buf = (void *)data; /* libvips takes a non-const buffer and only reads it */
	int rc = -1;
	switch (t) {
	case IMAGE_JPEG: rc = vips_jpegload_buffer(buf, len, &img, NULL); break;
	case IMAGE_PNG: rc = vips_pngload_buffer(buf, len, &img, NULL); break;
	case IMAGE_WEBP: rc = vips_webpload_buffer(buf, len, &img, "n", all_frames ? -1 : 1, NULL); break;
	case IMAGE_GIF: rc = vips_gifload_buffer(buf, len, &img, "n", all_frames ? -1 : 1, NULL); break;
	case IMAGE_NONE: break;
	}
	return rc ? NULL : img;
}

int image_probe(const uint8_t *data, size_t len, enum image_type t, int *width, int *height, char *why,
		size_t why_len)
{
	VipsImage *img;
	if (image_init())
		return failed("the image library did not start", why, why_len);
	if (!(img = load(data, len, t, 1)))
		return failed("the image cannot be read", why, why_len);
	/* Every frame counts: a small animation of many frames is as much work as a large image. */
	double pixels = (double)vips_image_get_width(img) * vips_image_get_height(img);
	int w = vips_image_get_width(img), h = vips_image_get_page_height(img);
	int swap = vips_image_get_n_pages(img) == 1 && vips_image_get_orientation_swap(img);
	g_object_unref(img);
	if (pixels > IMAGE_MAX_PIXELS) {
		snprintf(why, why_len, "the image has %.0f pixels; at most %d are accepted", pixels, IMAGE_MAX_PIXELS);
		return -1;
	}
	*width = swap ? h : w;
	*height = swap ? w : h;
	return 0;
}

/* Replaces *img by what the operation that returned rc made in *next; 0, or -1 when it failed. */
static int step(VipsImage **img, VipsImage **next, int rc)
{
	if (rc)
		return -1;
	g_object_unref(*img);
	*img = *next;
	*next = NULL;
	return 0;
}

/* Colours in sRGB, by the image's own profile when it has one: with the profile gone, the
 * pixels must already mean what a viewer assumes. */
static int to_srgb(VipsImage **img)
{
	VipsImage *next = NULL;
	if (vips_image_get_typeof(*img, VIPS_META_ICC_NAME) &&
	    !step(img, &next, vips_icc_transform(*img, &next, "srgb", "embedded", TRUE, NULL)))
		return 0;
	vips_error_clear(); /* a broken profile: fall back to the colourspace's own conversion */
	VipsInterpretation in = vips_image_get_interpretation(*img);
	if (in == VIPS_INTERPRETATION_sRGB || in == VIPS_INTERPRETATION_B_W)
		return 0;
	return step(img, &next, vips_colourspace(*img, &next, VIPS_INTERPRETATION_sRGB, NULL));
}

/* strip: no EXIF, XMP, IPTC, ICC block or comment is written, whatever the upload carried. */
static int save(VipsImage *img, enum image_type as, int quality, void **buf, size_t *len)
{
	switch (as) {
	case IMAGE_JPEG: return vips_jpegsave_buffer(img, buf, len, "Q", quality, "strip", TRUE, NULL);
	case IMAGE_PNG: return vips_pngsave_buffer(img, buf, len, "strip", TRUE, NULL);
	case IMAGE_WEBP: return vips_webpsave_buffer(img, buf, len, "Q", quality, "strip", TRUE, NULL);
	case IMAGE_GIF: return vips_gifsave_buffer(img, buf, len, "strip", TRUE, NULL);
	case IMAGE_NONE: break;
	}
	return -1;
}

int image_render(const uint8_t *data, size_t len, enum image_type t, enum image_fit fit, int size,
		 enum image_type as, struct image_out *out, char *why, size_t why_len)
{
	VipsImage *img = NULL, *next = NULL;
	void *buf = NULL;
	size_t buf_len = 0;
	int w, h, rc = -1;
	int all_frames = as == IMAGE_NONE && (t == IMAGE_GIF || t == IMAGE_WEBP);
	memset(out, 0, sizeof(*out));
	if (image_probe(data, len, t, &w, &h, why, why_len))
		return -1;
	if (fit == IMAGE_FIT_ORIGINAL) {
		if (!(img = load(data, len, t, all_frames))) {
			failed("the image cannot be read", why, why_len);
			goto out;
		}
		/* An animation's frames stand one above the other: turning them would scramble it. */
		if (vips_image_get_n_pages(img) == 1 && step(&img, &next, vips_autorot(img, &next, NULL))) {
			failed("the image cannot be turned upright", why, why_len);
			goto out;
		}
	} else if (vips_thumbnail_buffer((void *)data, len, &img, size, "height", size, "size",
					 fit == IMAGE_FIT_SQUARE ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN, "crop",
					 fit == IMAGE_FIT_SQUARE ? VIPS_INTERESTING_CENTRE : VIPS_INTERESTING_NONE,
					 "option_string", all_frames ? "n=-1" : "", NULL)) {
		/* thumbnail shrinks on load where the format allows and turns the image upright */
		failed("the image cannot be read", why, why_len);
		goto out;
	}
	if (to_srgb(&img)) {
		failed("the image's colours cannot be converted", why, why_len);
		goto out;
	}
	if (as == IMAGE_JPEG && vips_image_hasalpha(img)) {
		VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
		int frc = vips_flatten(img, &next, "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (step(&img, &next, frc)) {
			failed("the image cannot be flattened", why, why_len);
			goto out;
		}
	}
	out->type = as == IMAGE_NONE ? t : as;
	if (save(img, out->type, fit == IMAGE_FIT_ORIGINAL ? QUALITY_ORIGINAL : QUALITY_SMALL, &buf, &buf_len)) {
		failed("the image cannot be encoded", why, why_len);
		goto out;
	}
	out->data = xmalloc(buf_len);
	memcpy(out->data, buf, buf_len);
	out->len = buf_len;
	out->width = vips_image_get_width(img);
	out->height = vips_image_get_page_height(img);
	rc = 0;
out:
	g_free(buf);
	if (img)
		g_object_unref(img);
	if (rc)
		out->type = IMAGE_NONE;
	return rc;
}
