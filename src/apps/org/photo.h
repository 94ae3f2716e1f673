/*
 * Member photos (issue 4, PP-09): what an upload must be, and the one form a photo is kept in — a
 * square JPEG thumbnail that libvips re-encodes without any metadata, so no EXIF block, GPS
 * position or camera data of the upload survives.  The routes are in photo_routes.c.
 */
#ifndef ATRIUM_APPS_ORG_PHOTO_H
#define ATRIUM_APPS_ORG_PHOTO_H
#include <stddef.h>
#include <stdint.h>
#include "core/image.h"
#include "store/store.h"

#define PHOTO_SIZE 256                      /* pixels a side of the stored thumbnail */
#define PHOTO_MAX_PIXELS IMAGE_MAX_PIXELS   /* larger uploads are refused before they are decoded */
#define PHOTO_MIME "image/jpeg"             /* what every stored photo is */

/* The image types a photo may be (core/image.h). */
enum photo_type { PHOTO_NONE = IMAGE_NONE, PHOTO_JPEG = IMAGE_JPEG, PHOTO_PNG = IMAGE_PNG, PHOTO_WEBP = IMAGE_WEBP };

/* The type of an upload by its first bytes (JPEG, PNG, WebP), whatever the client says it is. */
enum photo_type photo_sniff(const uint8_t *data, size_t len);
/* "image/jpeg", "image/png", "image/webp", or NULL for PHOTO_NONE. */
const char *photo_type_mime(enum photo_type t);

/*
 * The thumbnail to keep of an upload of type t (from photo_sniff): PHOTO_SIZE pixels square,
 * centre-cropped, turned upright by its orientation tag, flattened on white, JPEG with no
 * metadata (image_render).  Returns the bytes (malloc'ed; the caller frees them) with their count
 * in *out_len, or NULL with the reason in why when the image cannot be read or is too large.
 */
uint8_t *photo_thumbnail(const uint8_t *data, size_t len, enum photo_type t, size_t *out_len /* OUT */,
			 char *why, size_t why_len);

/* Whether uid holds a photo in eid: 1 or 0. */
int photo_exists(struct store *st, int64_t eid, int64_t uid);

#endif
