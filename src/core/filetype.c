/* The type of an uploaded file by its content (filetype.h). */
#define _GNU_SOURCE /* memmem */
#include <string.h>
#include <zip.h>
#include "core/filetype.h"
#include "core/image.h"
#include "core/banned.h"

#define F FILETYPE_FILE
#define IMG (FILETYPE_IMAGE | FILETYPE_FILE)
#define VOICE (FILETYPE_VOICE | FILETYPE_FILE)

/* Rows are appended, never renamed: enterprises' settings name them. */
const struct filetype filetype_catalogue[] = {
	{ "jpeg", "image/jpeg", "jpg", IMG },
	{ "png", "image/png", "png", IMG },
	{ "gif", "image/gif", "gif", IMG },
	{ "webp", "image/webp", "webp", IMG },
	{ "aac", "audio/aac", "aac", VOICE },
	{ "amr", "audio/amr", "amr", VOICE },
	{ "opus", "audio/ogg", "opus", VOICE },
	{ "mp3", "audio/mpeg", "mp3", VOICE },
	{ "m4a", "audio/mp4", "m4a", VOICE },
	{ "wav", "audio/wav", "wav", F },
	{ "mp4", "video/mp4", "mp4", F },
	{ "mov", "video/quicktime", "mov", F },
	{ "pdf", "application/pdf", "pdf", F },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", F },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", F },
	{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", F },
	{ "odt", "application/vnd.oasis.opendocument.text", "odt", F },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet", "ods", F },
	{ "odp", "application/vnd.oasis.opendocument.presentation", "odp", F },
	{ "doc", "application/msword", "doc", F },
	{ "xls", "application/vnd.ms-excel", "xls", F },
	{ "ppt", "application/vnd.ms-powerpoint", "ppt", F },
	{ "zip", "application/zip", "zip", F },
	{ "text", "text/plain; charset=utf-8", "txt", F },
	{ 0 }
};

const struct filetype *filetype_find(const char *name)
{
	for (const struct filetype *t = filetype_catalogue; name && t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static int starts(const uint8_t *d, size_t len, const char *magic, size_t n)
{
	return len >= n && !memcmp(d, magic, n);
}

static int contains(const uint8_t *d, size_t len, const void *needle, size_t n)
{
	return memmem(d, len, needle, n) != NULL;
}

/* Programs a computer would run as they are; a script is text that names its interpreter. */
static int program(const uint8_t *d, size_t len)
{
	static const char *const magic[] = {
		"\x7f" "ELF",   /* Linux, Android native code */
		"\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf", "\xce\xfa\xed\xfe", "\xcf\xfa\xed\xfe", /* Mach-O */
		"\xca\xfe\xba\xbe", /* Mach-O universal, Java class */
		"\x00" "asm",   /* WebAssembly */
		"dex\n",        /* Android bytecode */
	};
	if (starts(d, len, "MZ", 2)) /* Windows .exe, .dll, .scr */
		return 1;
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (starts(d, len, magic[i], 4))
			return 1;
	return 0;
}

/* An MPEG-1/2 audio layer III frame header, its reserved values excluded. */
static int mp3_frame(const uint8_t *d, size_t len)
{
	if (len < 4 || d[0] != 0xff || (d[1] & 0xe0) != 0xe0)
		return 0;
	int version = (d[1] >> 3) & 3, layer = (d[1] >> 1) & 3, bitrate = d[2] >> 4, rate = (d[2] >> 2) & 3;
	return version != 1 && layer == 1 && bitrate != 0 && bitrate != 15 && rate != 3;
}

/* An ISO media file (ftyp box first): QuickTime, a video, or sound alone. */
static const char *iso_media(const uint8_t *d, size_t len)
{
	static const char *const images[] = { "heic", "heix", "mif1", "msf1", "avif", "avis", "crx " };
	const uint8_t *brand = d + 8;
	if (len < 12 || memcmp(d + 4, "ftyp", 4))
		return NULL;
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		if (!memcmp(brand, images[i], 4))
			return NULL; /* HEIF/AVIF stills and camera raws: not in the catalogue */
	if (!memcmp(brand, "qt  ", 4))
		return "mov";
	/* Each track's handler box says what it holds: hdlr, version and flags, pre_defined, type. */
	int video = 0, sound = 0;
	for (const uint8_t *p = d, *end = d + len; (p = memmem(p, (size_t)(end - p), "hdlr", 4)) && end - p >= 16; p += 4) {
		video |= !memcmp(p + 12, "vide", 4);
		sound |= !memcmp(p + 12, "soun", 4);
	}
	if (video)
		return "mp4";
	if (sound || !memcmp(brand, "M4A ", 4) || !memcmp(brand, "M4B ", 4))
		return "m4a";
	return "mp4";
}

/* A ZIP archive: an Office or OpenDocument file, an app package (refused), or a plain archive. */
static const char *zip_kind(const uint8_t *d, size_t len, const char **why)
{
	static const struct {
		const char *entry, *type;
	} office[] = {
		{ "word/document.xml", "docx" }, { "xl/workbook.xml", "xlsx" }, { "ppt/presentation.xml", "pptx" },
	};
	static const struct {
		const char *mime, *type;
	} odf[] = {
		{ "application/vnd.oasis.opendocument.text", "odt" },
		{ "application/vnd.oasis.opendocument.spreadsheet", "ods" },
		{ "application/vnd.oasis.opendocument.presentation", "odp" },
	};
	const char *type = NULL;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(d, len, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	zip_error_fini(&ze);
	if (!za) {
		zip_source_free(src);
		*why = "a damaged ZIP archive";
		return NULL;
	}
	/* Android and Java packages install and run code. */
	if (zip_name_locate(za, "classes.dex", 0) >= 0 || zip_name_locate(za, "META-INF/MANIFEST.MF", 0) >= 0) {
		*why = "an application package";
		goto out;
	}
	type = "zip";
	for (size_t i = 0; i < sizeof(office) / sizeof(office[0]); i++)
		if (zip_name_locate(za, office[i].entry, 0) >= 0 && zip_name_locate(za, "[Content_Types].xml", 0) >= 0) {
			type = office[i].type;
			goto out;
		}
	/* OpenDocument names its type in an entry "mimetype". */
	zip_file_t *f = zip_fopen(za, "mimetype", 0);
	if (f) {
		char mime[96] = "";
		zip_int64_t n = zip_fread(f, mime, sizeof(mime) - 1);
		zip_fclose(f);
		for (size_t i = 0; n > 0 && i < sizeof(odf) / sizeof(odf[0]); i++)
			if ((size_t)n == strlen(odf[i].mime) && !memcmp(mime, odf[i].mime, (size_t)n))
				type = odf[i].type;
	}
out:
	zip_discard(za); /* read only: nothing to write back; frees the source too */
	return type;
}

/* An OLE compound file (old Office, but also MSI installers): by the streams it holds, whose
 * names its directory spells in UTF-16LE. */
static const char *ole_kind(const uint8_t *d, size_t len)
{
	static const struct {
		const char *name, *type;
	} streams[] = { { "WordDocument", "doc" }, { "Workbook", "xls" }, { "Book", "xls" }, { "PowerPoint Document", "ppt" } };
	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		uint8_t wide[64];
		size_t n = strlen(streams[i].name);
		for (size_t k = 0; k < n; k++) {
			wide[2 * k] = (uint8_t)streams[i].name[k];
			wide[2 * k + 1] = 0;
		}
		if (contains(d, len, wide, 2 * n))
			return streams[i].type;
	}
	return NULL;
}

int filetype_utf8_valid(const void *data, size_t len)
{
	const uint8_t *s = data, *end = s + len;
	while (s < end) {
		uint8_t c = *s;
		size_t n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
		if (n == 9 || (size_t)(end - s) <= n)
			return n == 0;
		uint32_t cp = n == 0 ? c : n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
		for (size_t k = 1; k <= n; k++) {
			if ((s[k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[k] & 0x3f);
		}
		static const uint32_t least[] = { 0, 0x80, 0x800, 0x10000 };
		if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

/* Plain text: UTF-8 (a BOM allowed) with no control characters but tab, line and page breaks. */
static int plain_text(const uint8_t *d, size_t len)
{
	if (starts(d, len, "\xef\xbb\xbf", 3)) {
		d += 3;
		len -= 3;
	}
	for (size_t i = 0; i < len; i++)
		if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' && d[i] != '\f') || d[i] == 0x7f)
			return 0;
	return len > 0 && filetype_utf8_valid(d, len);
}

const struct filetype *filetype_sniff(const uint8_t *d, size_t len, const char **why)
{
	const char *name = NULL, *reason = "of no type accepted here";
	enum image_type image = image_sniff(d, len);
	if (image != IMAGE_NONE)
		name = image == IMAGE_JPEG ? "jpeg" : image == IMAGE_PNG ? "png" : image == IMAGE_WEBP ? "webp" : "gif";
	else if (program(d, len))
		reason = "a program";
	else if (starts(d, len, "#!AMR\n", 6) || starts(d, len, "#!AMR-WB\n", 9))
		name = "amr"; /* before scripts: AMR's magic starts as a script's does */
	else if (starts(d, len, "#!", 2))
		reason = "a script";
	else if (starts(d, len, "%PDF-", 5))
		name = "pdf";
	else if (starts(d, len, "PK\x03\x04", 4) || starts(d, len, "PK\x05\x06", 4))
		name = zip_kind(d, len, &reason);
	else if (starts(d, len, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		name = ole_kind(d, len);
	else if (starts(d, len, "OggS", 4) && len >= 36 && !memcmp(d + 28, "OpusHead", 8))
		name = "opus";
	else if (len >= 12 && starts(d, len, "RIFF", 4) && !memcmp(d + 8, "WAVE", 4))
		name = "wav";
	else if (len >= 12 && !memcmp(d + 4, "ftyp", 4))
		name = iso_media(d, len);
	else if (len >= 2 && d[0] == 0xff && (d[1] & 0xf6) == 0xf0)
		name = "aac"; /* ADTS: sync word, layer 0 */
	else if (starts(d, len, "ID3", 3) || mp3_frame(d, len))
		name = "mp3";
	else if (plain_text(d, len))
		name = "text";
	if (!name && why)
		*why = reason;
	return name ? filetype_find(name) : NULL;
}
