/* Unit tests of core/filetype.c: an upload is what its bytes say, and programs, scripts and
 * unknown binaries are none of the catalogue's types. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/filetype.h"
#include "core/zip.h"

/* The catalogue's name for data, or "-" with the reason kept in *why. */
static const char *sniff(const void *data, size_t len, const char **why)
{
	const char *reason = NULL;
	const struct filetype *t = filetype_sniff(data, len, &reason);
	if (why)
		*why = reason;
	return t ? t->name : "-";
}

#define SNIFF(lit) sniff(lit, sizeof(lit) - 1, NULL)

/* A ZIP archive of n entries (name, content) made with the project's own writer. */
static uint8_t *make_zip(const char *const entries[][2], size_t n, size_t *len)
{
	FILE *fp = tmpfile();
	assert_non_null(fp);
	struct zip *z = zip_new(fileno(fp), 6);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(zip_begin(z, entries[i][0], 0), 0);
		assert_int_equal(zip_write(z, entries[i][1], strlen(entries[i][1])), 0);
		assert_int_equal(zip_end(z), 0);
	}
	assert_int_equal(zip_finish(z), 0);
	*len = (size_t)zip_size(z);
	zip_free(z);
	uint8_t *b = malloc(*len);
	assert_int_equal(pread(fileno(fp), b, *len, 0), (ssize_t)*len);
	fclose(fp);
	return b;
}

static const char *sniff_zip(const char *const entries[][2], size_t n, const char **why)
{
	size_t len;
	uint8_t *b = make_zip(entries, n, &len);
	const char *name = sniff(b, len, why);
	free(b);
	return name;
}

static void test_filetype__images_documents_and_archives(void **state)
{
	const char *why;
	assert_string_equal(SNIFF("\xff\xd8\xff\xe0...."), "jpeg");
	assert_string_equal(SNIFF("\x89PNG\r\n\x1a\n...."), "png");
	assert_string_equal(SNIFF("GIF89a\x01\x00"), "gif");
	assert_string_equal(SNIFF("RIFF\x10\0\0\0WEBPVP8L"), "webp");
	assert_string_equal(SNIFF("%PDF-1.7\n%%EOF\n"), "pdf");

	static const char *const docx[][2] = { { "[Content_Types].xml", "<Types/>" }, { "word/document.xml", "<w:document/>" } };
	static const char *const xlsx[][2] = { { "[Content_Types].xml", "<Types/>" }, { "xl/workbook.xml", "<workbook/>" } };
	static const char *const pptx[][2] = { { "[Content_Types].xml", "<Types/>" }, { "ppt/presentation.xml", "<p/>" } };
	static const char *const odt[][2] = { { "mimetype", "application/vnd.oasis.opendocument.text" }, { "content.xml", "<x/>" } };
	static const char *const ods[][2] = { { "mimetype", "application/vnd.oasis.opendocument.spreadsheet" } };
	static const char *const plain[][2] = { { "notes.txt", "hello" }, { "word/document.xml", "no content types: not Office" } };
	static const char *const apk[][2] = { { "AndroidManifest.xml", "<m/>" }, { "classes.dex", "dex\n035" } };
	static const char *const jar[][2] = { { "META-INF/MANIFEST.MF", "Main-Class: X" }, { "X.class", "\xca\xfe\xba\xbe" } };
	assert_string_equal(sniff_zip(docx, 2, NULL), "docx");
	assert_string_equal(sniff_zip(xlsx, 2, NULL), "xlsx");
	assert_string_equal(sniff_zip(pptx, 2, NULL), "pptx");
	assert_string_equal(sniff_zip(odt, 2, NULL), "odt");
	assert_string_equal(sniff_zip(ods, 1, NULL), "ods");
	assert_string_equal(sniff_zip(plain, 2, NULL), "zip");
	assert_string_equal(sniff_zip(apk, 2, &why), "-");
	assert_string_equal(why, "an application package");
	assert_string_equal(sniff_zip(jar, 2, &why), "-");
	assert_string_equal(sniff("PK\x03\x04garbage that is no archive", 30, &why), "-");
	assert_string_equal(why, "a damaged ZIP archive");

	/* Old Office files by the streams their directory names; an OLE file with none (an MSI
	 * installer) is not a document. */
	uint8_t ole[2048] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
	static const char *const streams[][2] = { { "WordDocument", "doc" }, { "Workbook", "xls" }, { "PowerPoint Document", "ppt" } };
	for (size_t i = 0; i < 3; i++) {
		memset(ole + 8, 0, sizeof(ole) - 8);
		for (size_t k = 0; streams[i][0][k]; k++)
			ole[1024 + 2 * k] = (uint8_t)streams[i][0][k];
		assert_string_equal(sniff(ole, sizeof(ole), NULL), streams[i][1]);
	}
	memset(ole + 8, 0, sizeof(ole) - 8);
	memcpy(ole + 1024, "S\0u\0m\0m\0a\0r\0y\0", 14);
	assert_string_equal(sniff(ole, sizeof(ole), NULL), "-");
}

static void test_filetype__audio_and_video(void **state)
{
	assert_string_equal(SNIFF("#!AMR\n\x3c"), "amr");
	assert_string_equal(SNIFF("#!AMR-WB\n\x04"), "amr");
	assert_string_equal(SNIFF("\xff\xf1\x50\x80\x02\x1f\xfc"), "aac");
	assert_string_equal(SNIFF("\xff\xfb\x90\x64\0\0\0\0"), "mp3");
	assert_string_equal(SNIFF("ID3\x04\0\0\0\0\0\0"), "mp3");
	assert_string_equal(SNIFF("\xff\xfb\xf0\x64\0\0"), "-"); /* bitrate index 15 is no frame */
	assert_string_equal(SNIFF("RIFF\x24\0\0\0WAVEfmt "), "wav");
	uint8_t ogg[64] = "OggS";
	memcpy(ogg + 28, "OpusHead", 8);
	assert_string_equal(sniff(ogg, sizeof(ogg), NULL), "opus");
	memcpy(ogg + 28, "\x01vorbis\0", 8);
	assert_string_equal(sniff(ogg, sizeof(ogg), NULL), "-");

	/* ISO media: by the handlers of their tracks. */
	uint8_t mp4[96] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm' };
	memcpy(mp4 + 40, "hdlr\0\0\0\0\0\0\0\0soun", 16);
	assert_string_equal(sniff(mp4, sizeof(mp4), NULL), "m4a");
	memcpy(mp4 + 70, "hdlr\0\0\0\0\0\0\0\0vide", 16);
	assert_string_equal(sniff(mp4, sizeof(mp4), NULL), "mp4");
	memcpy(mp4 + 8, "qt  ", 4);
	assert_string_equal(sniff(mp4, sizeof(mp4), NULL), "mov");
	memcpy(mp4 + 8, "M4A ", 4);
	memset(mp4 + 40, 0, sizeof(mp4) - 40);
	assert_string_equal(sniff(mp4, sizeof(mp4), NULL), "m4a");
	memcpy(mp4 + 8, "heic", 4);
	assert_string_equal(sniff(mp4, sizeof(mp4), NULL), "-");

	const struct filetype *amr = filetype_find("amr"), *mp4t = filetype_find("mp4"), *png = filetype_find("png");
	assert_true(amr->kinds & FILETYPE_VOICE && amr->kinds & FILETYPE_FILE && !(amr->kinds & FILETYPE_IMAGE));
	assert_true(mp4t->kinds == FILETYPE_FILE);
	assert_true(png->kinds & FILETYPE_IMAGE && png->kinds & FILETYPE_FILE && !(png->kinds & FILETYPE_VOICE));
	assert_string_equal(filetype_find("m4a")->mime, "audio/mp4");
	assert_null(filetype_find("exe"));
	assert_null(filetype_find(NULL));
}

static void test_filetype__text_but_not_scripts_or_programs(void **state)
{
	const char *why;
	assert_string_equal(SNIFF("会议纪要\r\n\tall good\f\n"), "text");
	assert_string_equal(SNIFF("\xef\xbb\xbf" "with a BOM\n"), "text");
	assert_string_equal(filetype_find("text")->mime, "text/plain; charset=utf-8");
	assert_string_equal(sniff("nul\0inside", 10, &why), "-");
	assert_string_equal(why, "of no type accepted here");
	assert_string_equal(SNIFF("bell\x07"), "-");
	assert_string_equal(SNIFF("latin-1 caf\xe9\n"), "-");
	assert_string_equal(sniff("", 0, NULL), "-");

	static const struct {
		const char *bytes;
		size_t len;
		const char *why;
	} refused[] = {
		{ "#!/bin/sh\nrm -rf ~\n", 19, "a script" },
		{ "#!/usr/bin/env python3\n", 23, "a script" },
		{ "\x7f" "ELF\x02\x01\x01\0", 8, "a program" },
		{ "MZ\x90\0\x03\0", 6, "a program" },
		{ "\xcf\xfa\xed\xfe\x07\0\0\x01", 8, "a program" },
		{ "\xca\xfe\xba\xbe\0\0\0\x34", 8, "a program" },
		{ "\0asm\x01\0\0\0", 8, "a program" },
		{ "dex\n035\0", 8, "a program" },
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		why = NULL;
		assert_string_equal(sniff(refused[i].bytes, refused[i].len, &why), "-");
		assert_string_equal(why, refused[i].why);
	}
}

static void test_filetype__utf8(void **state)
{
	assert_true(filetype_utf8_valid("", 0));
	assert_true(filetype_utf8_valid("abc", 3));
	assert_true(filetype_utf8_valid("\xe4\xbc\x9a\xf0\x9f\x98\x80", 7)); /* 会 and an emoji */
	assert_false(filetype_utf8_valid("\xc0\x80", 2));                     /* overlong NUL */
	assert_false(filetype_utf8_valid("\xe0\x80\xaf", 3));                 /* overlong '/' */
	assert_false(filetype_utf8_valid("\xed\xa0\x80", 3));                 /* a surrogate */
	assert_false(filetype_utf8_valid("\xf4\x90\x80\x80", 4));             /* past U+10FFFF */
	assert_false(filetype_utf8_valid("\xe4\xbc", 2));                     /* cut short */
	assert_false(filetype_utf8_valid("\x80", 1));
	assert_false(filetype_utf8_valid("\xff", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filetype__images_documents_and_archives),
		cmocka_unit_test(test_filetype__audio_and_video),
		cmocka_unit_test(test_filetype__text_but_not_scripts_or_programs),
		cmocka_unit_test(test_filetype__utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
