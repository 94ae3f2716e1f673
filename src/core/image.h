/*
 * Images people upload, through libvips: their type by their first bytes, their size from the
 * header alone, and re-encoded copies that keep none of the upload's metadata (no EXIF, GPS,
 * XMP, IPTC, ICC block or comment survives).  Member photos (apps/org/photo.h) and the images of
 * messages (apps/im/file.h) are both made here.  Decoding is bulk work: callers outside tests run
 * image_render() on the job runner, never on an event loop (DESIGN §6); image_probe() reads the
 * header only and is cheap.
 */
#ifndef ATRIUM_CORE_IMAGE_H
#define ATRIUM_CORE_IMAGE_H
#include <stddef.h>
#include <stdint.h>

#define IMAGE_MAX_PIXELS (64 * 1000 * 1000) /* of all frames together; more is refused undecoded */

/* The values never change: photo.h names the first four as its own. */
enum image_type { IMAGE_NONE, IMAGE_JPEG, IMAGE_PNG, IMAGE_WEBP, IMAGE_GIF };

/* The type of an upload by its first bytes, whatever the client says it is. */
enum image_type image_sniff(const uint8_t *data, size_t len);
/* "image/jpeg", "image/png", "image/webp", "image/gif", or NULL for IMAGE_NONE. */
const char *image_type_mime(enum image_type t);

/*
 * Starts libvips for the process the first time it is called (later calls only return the
 * first one's result), from any thread: one worker thread per operation and no operation cache,
 * as suits a server, and the loaders libvips marks untrusted blocked.  0, or -1 when libvips
 * cannot start.
 */
int image_init(void);

/*
 * Reads the header of an upload of type t (from image_sniff) without decoding its pixels: its
 * width and height as shown, that is with its orientation tag applied, and for an animation
 * those of one frame.  0, or -1 with the reason in why when it cannot be read or holds more than
 * IMAGE_MAX_PIXELS in all its frames.  Calls image_init() itself.
 */
int image_probe(const uint8_t *data, size_t len, enum image_type t, int *width /* OUT */,
		int *height /* OUT */, char *why, size_t why_len);

enum image_fit {
	IMAGE_FIT_ORIGINAL, /* the upload's own size (size is ignored) */
	IMAGE_FIT_INSIDE,   /* the longest side at most size pixels; never enlarged */
	IMAGE_FIT_SQUARE,   /* size × size, centre-cropped, enlarged when smaller */
};

/* A re-encoded image: data is malloc'ed (the caller frees it). */
struct image_out {
	uint8_t *data;
	size_t len;
	int width, height; /* of one frame */
	enum image_type type;
};

/*
 * Re-encodes an upload of type t (from image_sniff) without any of its metadata, turned upright
 * by its orientation tag and converted to sRGB by its colour profile.  as IMAGE_JPEG: a JPEG of
 * the first frame, transparency flattened on white (thumbnails, photos); as IMAGE_NONE: the
 * upload's own format, every frame of an animation kept.  Fills *out and returns 0, or -1 with
 * the reason in why when it cannot be read or is too large (see image_probe).  Calls image_init()
 * itself.
 */
int image_render(const uint8_t *data, size_t len, enum image_type t, enum image_fit fit, int size,
		 enum image_type as, struct image_out *out /* OUT */, char *why, size_t why_len);

#endif
