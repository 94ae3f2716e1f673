/*
 * Unit tests of core/pinyin.c: names give the pinyin keys a person would type to find them.
 * Every reading expected here is the first kMandarin reading in Unihan_Readings.txt 15.0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/pinyin.h"

static void test_pinyin__of_gives_unihan_readings(void **state)
{
	static const struct {
		uint32_t cp;
		const char *syllable;
	} known[] = {
		{ 0x5F20, "zhang" },  /* 张 zhāng */
		{ 0x4E09, "san" },    /* 三 sān */
		{ 0x674E, "li" },     /* 李 lǐ */
		{ 0x56DB, "si" },     /* 四 sì */
		{ 0x738B, "wang" },   /* 王 wáng (also wàng) */
		{ 0x5C0F, "xiao" },   /* 小 xiǎo */
		{ 0x660E, "ming" },   /* 明 míng */
		{ 0x7EFF, "lv" },     /* 绿 lǜ */
		{ 0x5415, "lv" },     /* 吕 lǚ */
		{ 0x7565, "lve" },    /* 略 lüè */
		{ 0x884C, "xing" },   /* 行 xíng, the first of five readings */
		{ 0x957F, "zhang" },  /* 长 zhǎng: kMandarin's first, not cháng */
		{ 0x5E84, "zhuang" }, /* 庄 zhuāng: six letters, the longest */
		{ 0x3400, "qiu" },    /* 㐀: the first code point of Extension A, and of the table */
		{ 0x4DB5, "chi" },    /* 䶵: the last of Extension A with a reading */
		{ 0x9FA5, "yu" },     /* 龥 */
		{ 0xFA18, "li" },     /* a compatibility ideograph */
		{ 0x20000, "he" },    /* 𠀀: the first of Extension B */
		{ 0x20001, "qi" },    /* 𠀁 */
		{ 0x2A6A5, "zhe" },   /* 𪚥 */
		{ 0x2B738, "hua" },   /* Extension C */
		{ 0x2F835, "hui" },   /* a compatibility ideograph in plane 2 */
		{ 0x30EDD, "biang" }, /* 𰻝 of biangbiang noodles, Extension G */
		{ 0x30EDE, "biang" }, /* the last code point of the table */
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *got = pinyin_of(known[i].cp);
		if (!got || strcmp(got, known[i].syllable))
			fail_msg("U+%04X gave '%s', not '%s'", (unsigned)known[i].cp, got ? got : "(null)",
				 known[i].syllable);
	}
}

static void test_pinyin__of_nothing_for_what_has_no_reading(void **state)
{
	static const uint32_t none[] = {
		0, 'a', 'Z', 0xE9,   /* é */
		0x3007,              /* 〇, a Han number without kMandarin */
		0x33FF, 0x3402,      /* before the table; 㐂, Extension A without a reading */
		0xD55C,              /* 한, Hangul */
		0x1F600,             /* 😀 */
		0xFF21,              /* Ａ, full width */
		0x30EDF, 0x10FFFF, 0x110000, 0xFFFFFFFF,
	};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (pinyin_of(none[i]))
			fail_msg("U+%04X gave '%s'", (unsigned)none[i], pinyin_of(none[i]));
}

static void test_pinyin__every_reading_is_plain_ascii(void **state)
{
	unsigned count = 0;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		const char *s = pinyin_of(cp);
		if (!s)
			continue;
		count++;
		size_t n = strlen(s);
		if (n < 1 || n > 6 || strspn(s, "abcdefghijklmnopqrstuvwxyz") != n)
			fail_msg("U+%04X gave '%s'", (unsigned)cp, s);
	}
	/* Unihan 15.0 gives 41419 code points a kMandarin reading; a broken table gives far fewer. */
	assert_true(count >= 41419);
}

static void expect_keys(const char *name, const char *full, const char *initials)
{
	char f[128] = "x", in[64] = "x";
	if (pinyin_keys(name, f, sizeof(f), in, sizeof(in)))
		fail_msg("'%s' was refused", name);
	if (strcmp(f, full) || strcmp(in, initials))
		fail_msg("'%s' gave '%s' '%s', not '%s' '%s'", name, f, in, full, initials);
}

static void test_pinyin__keys_of_chinese_names(void **state)
{
	expect_keys("张三", "zhangsan", "zs");
	expect_keys("李四", "lisi", "ls");
	expect_keys("王小明", "wangxiaoming", "wxm");
	expect_keys("绿", "lv", "l");
	expect_keys("吕布", "lvbu", "lb");
	expect_keys("欧阳娜娜", "ouyangnana", "oynn");
	expect_keys("王𰻝", "wangbiang", "wb");          /* U+30EDD, four bytes of UTF-8 */
	expect_keys("𠀁𪚥", "qizhe", "qz");              /* Extension B */
}

static void test_pinyin__keys_of_latin_words_and_digits(void **state)
{
	expect_keys("Alice 王", "alicewang", "aw");
	expect_keys("王Alice", "wangalice", "wa");
	expect_keys("ALICE", "alice", "a");
	expect_keys("3M 公司", "3mgongsi", "3gs");
	expect_keys("张三2号", "zhangsan2hao", "zs2h");
	expect_keys("Room 101", "room101", "r1");
}

static void test_pinyin__keys_drop_what_is_not_a_word(void **state)
{
	expect_keys("欧阳·娜娜", "ouyangnana", "oynn");
	expect_keys("O'Brien, 李 (IT)", "obrienliit", "obli");
	expect_keys("  张\t三  ", "zhangsan", "zs");
	expect_keys("张😀三", "zhangsan", "zs");          /* emoji */
	expect_keys("김 Kim", "kim", "k");                /* Hangul */
	expect_keys("José", "jos", "j");                  /* accented letters are not folded */
	expect_keys("㐂王", "wang", "w");                 /* Han without a reading */
	expect_keys("ＡＢ王", "wang", "w");               /* full-width letters */
	expect_keys("", "", "");
	expect_keys("—!?。", "", "");
}

static void test_pinyin__keys_refuse_invalid_utf8(void **state)
{
	static const char *bad[] = {
		"\xff",
		"\x80",                 /* a continuation byte alone */
		"\xe5\xbc",             /* 张 cut short */
		"张\xe5\xbc",
		"\xe5\xbc" "a",
		"\xc0\xaf",             /* overlong '/' */
		"\xe0\x80\xaf",
		"\xed\xa0\x80",         /* a surrogate */
		"\xf4\x90\x80\x80",     /* beyond U+10FFFF */
		"Alice \xfe",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char f[64] = "x", in[64] = "x";
		if (pinyin_keys(bad[i], f, sizeof(f), in, sizeof(in)) != -1)
			fail_msg("bad name %zu was accepted as '%s'", i, f);
		assert_string_equal(f, "");
		assert_string_equal(in, "");
	}
}

static void test_pinyin__keys_refuse_what_does_not_fit(void **state)
{
	char f[16], in[8];

	assert_int_equal(pinyin_keys("张三", f, 9, in, 3), 0);
	assert_string_equal(f, "zhangsan");
	assert_string_equal(in, "zs");
	assert_int_equal(pinyin_keys("张三", f, 8, in, 3), -1);
	assert_string_equal(f, "");
	assert_string_equal(in, "");
	assert_int_equal(pinyin_keys("张三", f, 9, in, 2), -1);
	assert_string_equal(f, "");
	assert_string_equal(in, "");
	assert_int_equal(pinyin_keys("abcdefgh", f, 8, in, 2), -1);
	assert_int_equal(pinyin_keys("", f, 0, in, 1), -1);
	assert_int_equal(pinyin_keys("", f, 1, in, 0), -1);
	assert_int_equal(pinyin_keys("", f, 1, in, 1), 0);
}

static void test_pinyin__keys_fit_the_documented_bound(void **state)
{
	/* 庄 zhuāng: six letters from three bytes, the most a character gives. */
	static const char *names[] = { "庄庄庄庄", "𰻝𰻝", "a b c", "庄 a 庄", "双窗庄" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		char f[2 * 64 + 1], in[64 + 1];
		assert_true(n < 64);
		assert_int_equal(pinyin_keys(names[i], f, 2 * n + 1, in, n + 1), 0);
	}
	char f[2 * 12 + 1], in[13];
	assert_int_equal(pinyin_keys("庄庄庄庄", f, sizeof(f), in, sizeof(in)), 0);
	assert_string_equal(f, "zhuangzhuangzhuangzhuang");
}

static void test_pinyin__query_reads_pinyin_typed(void **state)
{
	char out[16];

	assert_int_equal(pinyin_query("zhangsan", out, sizeof(out)), 1);
	assert_string_equal(out, "zhangsan");
	assert_int_equal(pinyin_query("ZhangSan", out, sizeof(out)), 1);
	assert_string_equal(out, "zhangsan");
	assert_int_equal(pinyin_query(" zhang san ", out, sizeof(out)), 1);
	assert_string_equal(out, "zhangsan");
	assert_int_equal(pinyin_query("xi'an", out, sizeof(out)), 1);
	assert_string_equal(out, "xian");
	assert_int_equal(pinyin_query("ZS", out, sizeof(out)), 1);
	assert_string_equal(out, "zs");

	static const char *not_pinyin[] = { "张三", "zhang三", "zs1", "138", "", "  ", "'", "a-b", "é",
					    "a%", "a_b", "abcdefghijklmnop" /* 16 letters: no room */ };
	for (size_t i = 0; i < sizeof(not_pinyin) / sizeof(not_pinyin[0]); i++) {
		out[0] = 'x', out[1] = '\0';
		if (pinyin_query(not_pinyin[i], out, sizeof(out)) != 0)
			fail_msg("'%s' was read as pinyin '%s'", not_pinyin[i], out);
		assert_string_equal(out, "");
	}
	assert_int_equal(pinyin_query("abcdefghijklmno", out, sizeof(out)), 1);
}

static void test_pinyin__match_takes_a_prefix_of_each_word(void **state)
{
	static const struct {
		const char *name, *query;
		int match;
	} cases[] = {
		{ "张三", "zhangsan", 1 },
		{ "张三", "zhang", 1 },
		{ "张三", "zhangs", 1 },
		{ "张三", "zs", 1 },
		{ "张三", "zhs", 1 },
		{ "张三", "zsan", 1 },
		{ "张三", "z", 1 },
		{ "张三", "zhangx", 0 },
		{ "张三", "zhangsanx", 0 },
		{ "张三", "zsx", 0 },
		{ "张三", "san", 0 },     /* from the first word only, like the SQL prefixes */
		{ "张三", "s", 0 },
		{ "张三", "", 0 },
		{ "王小明", "wxm", 1 },
		{ "王小明", "wangxm", 1 },
		{ "王小明", "wxming", 1 },
		{ "王小明", "wxiaom", 1 },
		{ "王小明", "wm", 0 },     /* words are not skipped */
		{ "安宁", "anin", 1 },     /* a|nin: the longest prefix first would miss it */
		{ "安宁", "anning", 1 },
		{ "绿", "lv", 1 },
		{ "吕布", "lvb", 1 },
		{ "Alice 王", "alw", 1 },
		{ "Alice 王", "aw", 1 },
		{ "ALICE 王", "alicewang", 1 },
		{ "3M 公司", "mgs", 0 },
		{ "张\xff三", "zs", 0 },   /* invalid UTF-8 ends the name */
		{ "张\xff三", "zh", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (pinyin_match(cases[i].name, cases[i].query) != cases[i].match)
			fail_msg("'%s' %s '%s'", cases[i].name, cases[i].match ? "did not match" : "matched",
				 cases[i].query);
}

static void test_pinyin__match_finds_every_row_the_sql_prefixes_find(void **state)
{
	static const char *names[] = { "张三", "王小明", "欧阳娜娜", "Alice 王", "吕布", "安宁",
				       "𰻝𰻝面", "Li Xiaolong 李小龙" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char f[128], in[64], q[128];
		assert_int_equal(pinyin_keys(names[i], f, sizeof(f), in, sizeof(in)), 0);
		for (const char *key = f; key; key = key == f ? in : NULL)
			for (size_t n = 1; n <= strlen(key); n++) {
				memcpy(q, key, n);
				q[n] = '\0';
				if (!pinyin_match(names[i], q))
					fail_msg("'%s' did not match '%s', a prefix of its key '%s'",
						 names[i], q, key);
			}
	}
}

static void test_pinyin__match_word_finds_the_given_name(void **state)
{
	static const struct {
		const char *name, *query;
		int word;
	} cases[] = {
		{ "王小明", "xiaoming", 1 },
		{ "王小明", "xm", 1 },
		{ "王小明", "xiaom", 1 },
		{ "王小明", "xming", 1 },
		{ "王小明", "ming", 2 },
		{ "王小明", "m", 2 },
		{ "王小明", "wxm", 0 },      /* the whole name first, as pinyin_match() */
		{ "王小明", "wangxiaoming", 0 },
		{ "王小明", "w", 0 },
		{ "王小明", "xw", -1 },      /* words keep their order */
		{ "王小明", "wm", -1 },      /* and are not skipped */
		{ "王小明", "iaoming", -1 }, /* a match starts at the start of a word */
		{ "王小明", "xiaomingx", -1 },
		{ "王小明", "", -1 },
		{ "张三", "san", 1 },
		{ "张三", "s", 1 },
		{ "张三", "zs", 0 },
		{ "张三", "zhs", 0 },
		{ "欧阳娜娜", "nn", 2 },
		{ "欧阳娜娜", "yangnana", 1 },
		{ "安宁", "nin", 1 },
		{ "安宁", "anin", 0 },
		{ "Alice 王", "wang", 1 },
		{ "Li Xiaolong 李小龙", "xiaolong", 1 },  /* the first word that can start it */
		{ "Li Xiaolong 李小龙", "xl", 1 },
		{ "Li Xiaolong 李小龙", "lxl", 0 },
		{ "Li Xiaolong 李小龙", "long", 4 },
		{ "Li Xiaolong 李小龙", "lil", -1 },       /* li|long would skip 小 */
		{ "张\xff三", "san", -1 },   /* invalid UTF-8 ends the name */
		{ "张\xff三", "zh", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = pinyin_match_word(cases[i].name, cases[i].query);
		if (got != cases[i].word)
			fail_msg("'%s' by '%s' gave word %d, not %d", cases[i].name, cases[i].query, got, cases[i].word);
	}
}

/* Word 0 is exactly what pinyin_match() finds, and a later word only what it does not. */
static void test_pinyin__match_word_agrees_with_match(void **state)
{
	static const char *names[] = { "张三", "王小明", "欧阳娜娜", "Alice 王", "吕布", "安宁", "Li Xiaolong 李小龙" };
	static const char *queries[] = { "z", "zs", "zhs", "xm", "xiaoming", "w", "wxm", "nn", "on", "an",
					 "anin", "alw", "lb", "lvbu", "bu", "l", "lxl", "long", "x" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t j = 0; j < sizeof(queries) / sizeof(queries[0]); j++) {
			int word = pinyin_match_word(names[i], queries[j]), whole = pinyin_match(names[i], queries[j]);
			if ((word == 0) != whole)
				fail_msg("'%s' by '%s': word %d but pinyin_match %d", names[i], queries[j], word, whole);
		}
}

/* The SQL superset pinyin.h gives: first letter among the initials, letters in order in full. */
static void test_pinyin__match_word_rows_pass_the_sql_superset(void **state)
{
	static const char *names[] = { "王小明", "欧阳娜娜", "Li Xiaolong 李小龙", "安宁", "吕布" };
	static const char *queries[] = { "xm", "xiaoming", "ming", "yangnana", "nn", "xl", "long", "nin", "bu", "lb" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char f[128], in[64];
		assert_int_equal(pinyin_keys(names[i], f, sizeof(f), in, sizeof(in)), 0);
		for (size_t j = 0; j < sizeof(queries) / sizeof(queries[0]); j++) {
			const char *q = queries[j], *p = f;
			if (pinyin_match_word(names[i], q) < 0)
				continue;
			if (!strchr(in, q[0]))
				fail_msg("'%s' matched '%s' without its first letter among the initials '%s'", names[i], q, in);
			for (const char *c = q; *c && p; c++)
				p = (p = strchr(p, *c)) ? p + 1 : NULL;
			if (!p)
				fail_msg("'%s' matched '%s', not a subsequence of '%s'", names[i], q, f);
		}
	}
}

static void test_pinyin__match_refuses_long_queries(void **state)
{
	char q[80];
	memset(q, 'a', sizeof(q) - 1);
	q[sizeof(q) - 1] = '\0';
	char name[80];
	memcpy(name, q, sizeof(name));
	assert_int_equal(pinyin_match(name, q), 0);
	q[63] = '\0';
	assert_int_equal(pinyin_match(name, q), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinyin__of_gives_unihan_readings),
		cmocka_unit_test(test_pinyin__of_nothing_for_what_has_no_reading),
		cmocka_unit_test(test_pinyin__every_reading_is_plain_ascii),
		cmocka_unit_test(test_pinyin__keys_of_chinese_names),
		cmocka_unit_test(test_pinyin__keys_of_latin_words_and_digits),
		cmocka_unit_test(test_pinyin__keys_drop_what_is_not_a_word),
		cmocka_unit_test(test_pinyin__keys_refuse_invalid_utf8),
		cmocka_unit_test(test_pinyin__keys_refuse_what_does_not_fit),
		cmocka_unit_test(test_pinyin__keys_fit_the_documented_bound),
		cmocka_unit_test(test_pinyin__query_reads_pinyin_typed),
		cmocka_unit_test(test_pinyin__match_takes_a_prefix_of_each_word),
		cmocka_unit_test(test_pinyin__match_finds_every_row_the_sql_prefixes_find),
		cmocka_unit_test(test_pinyin__match_refuses_long_queries),
		cmocka_unit_test(test_pinyin__match_word_finds_the_given_name),
		cmocka_unit_test(test_pinyin__match_word_agrees_with_match),
		cmocka_unit_test(test_pinyin__match_word_rows_pass_the_sql_superset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
