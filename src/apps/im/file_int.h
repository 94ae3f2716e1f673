/* What file.c shares with file_routes.c alone: the row, the rights check, the settings. */
#ifndef ATRIUM_APPS_IM_FILE_INT_H
#define ATRIUM_APPS_IM_FILE_INT_H
#include <stdint.h>
#include "apps/im/file.h"
#include "blob/blob.h"
#include "core/filetype.h"

enum file_kind { FILE_KIND_IMAGE, FILE_KIND_FILE, FILE_KIND_VOICE, FILE_KINDS };

/* "image", "file", "voice". */
extern const char *const file_kind_names[FILE_KINDS];
/* The kind named name, or -1. */
int file_kind_parse(const char *name);
/* The catalogue's types a kind may carry (filetype_kinds). */
enum filetype_kinds file_kind_bit(enum file_kind k);

/* A row of files; the texts are copies (no pointers into a statement). */
struct file_row {
	int64_t id, enterprise_id, uploader_id;
	enum file_kind kind;
	char name[4 * FILE_NAME_MAX + 1];
	char type[16], mime[96], status[16];
	int64_t size, width, height, duration_ms, blob_id, thumb_blob_id, thumb_size, created_at;
};

/* Reads file fid of eid, unless deleted.  1 and *row, 0 when there is none, or -1. */
int file_get(struct store *st, int64_t eid, int64_t fid, struct file_row *row /* OUT */);
/* Whether uid may fetch the file: 1 its uploader, or one who may see a message carrying it; 2 one
 * whom another module's rule lets look (file_add_reader: to be audited); 0; -1. */
int file_may_see(struct store *st, const struct file_row *row, int64_t uid);
/* Writes the row as the API shows it (all its fields) into the open object w. */
void file_write(const struct file_row *row, struct jsonw *w);

/* What an enterprise accepts for one kind. */
struct file_rule {
	int64_t max_bytes; /* never more than max-upload */
	uint64_t types;    /* bit i: filetype_catalogue[i] */
};
/* The enterprise's rule for kind k, or the defaults from cfg.  0, or -1. */
int file_rule_get(struct store *st, const struct config *cfg, int64_t eid, enum file_kind k,
		  struct file_rule *rule /* OUT */);
/* The defaults: every type the kind may carry, and file-image-max, max-upload or file-voice-max. */
void file_rule_default(const struct config *cfg, enum file_kind k, struct file_rule *rule /* OUT */);
/* Stores the enterprise's rule for kind k (inside the caller's transaction).  0, or -1. */
int file_rule_put(struct store *st, int64_t eid, enum file_kind k, const struct file_rule *rule);
/* The bit of a catalogue type in a rule's types. */
uint64_t file_type_bit(const struct filetype *t);

/*
 * The enterprise's key, made the first time it is needed (in its own short transaction, so the
 * caller must have none open).  0 and key (wipe it after use), or -1.
 */
int file_enterprise_key(struct store *st, const struct keyring *kr, int64_t eid, uint8_t key[BLOB_KEY_LEN] /* OUT */);

#endif
