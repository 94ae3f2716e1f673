/*
 * Member photos: what an upload may be, and the thumbnail core/image.c makes of it (photo.h).
 */
#include "apps/org/photo.h"
#include "core/banned.h"

enum photo_type photo_sniff(const uint8_t *d, size_t len)
{
	enum image_type t = image_sniff(d, len);
	return t == IMAGE_JPEG || t == IMAGE_PNG || t == IMAGE_WEBP ? (enum photo_type)t : PHOTO_NONE;
}

const char *photo_type_mime(enum photo_type t)
{
	return image_type_mime((enum image_type)t);
}

uint8_t *photo_thumbnail(const uint8_t *data, size_t len, enum photo_type t, size_t *out_len, char *why, size_t why_len)
{
	struct image_out out;
	if (image_render(data, len, (enum image_type)t, IMAGE_FIT_SQUARE, PHOTO_SIZE, IMAGE_JPEG, &out, why, why_len))
		return NULL;
	*out_len = out.len;
	return out.data;
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
