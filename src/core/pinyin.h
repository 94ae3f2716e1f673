/*
 * Pinyin of Han characters, so that the address book finds 张三 from "zhangsan" or "zs".  The
 * readings are Unicode's (Unihan kMandarin, first reading), built into a table at build time.
 *
 * How a search box is matched against a person's name: store the two keys pinyin_keys() gives
 * for the name beside it, and when pinyin_query() says the query is pinyin, select
 *     full LIKE ? || '%'  OR  initials LIKE ? || '%'  OR  name LIKE '%' || ? || '%'
 * (the keys hold lowercase letters and digits, the normalised query lowercase letters: LIKE has
 * no wildcard to escape and matches the same in SQLite and PostgreSQL).  That finds 张三 from "zhang",
 * "zhangs", "zhangsan", "z" and "zs".  Mixed forms such as "zhs" or "zsan" need the boundaries
 * between syllables, which the flat keys do not hold: pinyin_match() decides them, on the rows
 * whose initials start with the query's first letter (a superset of its matches).  To find
 * people by their given name too (王小明 from "xiaoming" or "xm"), pinyin_match_word() lets the
 * match start at any word.  A query that is not pinyin (Han characters, digits) is matched as
 * a substring of the name only.
 *
 * Known limit: a character has one reading, its customary one, so surnames read otherwise
 * (曾 zeng, 单 shan, 解 xie) get their common reading (ceng, dan, jie).
 */
#ifndef ATRIUM_CORE_PINYIN_H
#define ATRIUM_CORE_PINYIN_H
#include <stddef.h>
#include <stdint.h>

/*
 * The syllable of code point cp in lowercase ASCII without tone, ü written "v" ("lv" for 绿),
 * at most 6 letters; NULL when cp is not a Han character with a Mandarin reading.
 */
const char *pinyin_of(uint32_t cp);

/*
 * The search keys of a name in UTF-8.  The name is read as words: each Han character with a
 * reading is a word (its syllable), and each run of ASCII letters and digits is a word
 * (lowercased).  Everything else (spaces, punctuation, other scripts, emoji, Han characters
 * without a reading, accented letters) only separates words.  full gets every word whole,
 * initials the first letter of each:
 *     "张三" -> "zhangsan", "zs";   "Alice 王" -> "alicewang", "aw";   "3M 公司" -> "3mgongsi", "3gs"
 * full never needs more than 2 * strlen(name) + 1 bytes, initials strlen(name) + 1.
 * Returns 0, or -1 when the name is not valid UTF-8 or a key does not fit its buffer; then
 * both buffers hold "" (when their size is not 0).
 */
int pinyin_keys(const char *utf8_name, char *full, size_t fullsz, char *initials, size_t initsz);

/*
 * Reads what was typed in a search box as pinyin: ASCII letters, where spaces and apostrophes
 * (xi'an) are ignored.  Writes the letters lowercased to out and returns 1 when it is pinyin and
 * fits; returns 0 when it is not (anything else in it, no letter at all, or too long for out),
 * and then out holds "".
 */
int pinyin_query(const char *query, char *out, size_t outsz);

/*
 * Whether query, as normalised by pinyin_query(), matches the name: read from the name's first
 * word, each word in turn gives a non-empty prefix of itself to the query, until the query is
 * used up.  So 张三 matches "zs", "zhs", "zhangs", "zsan" and "zhangsan", not "zhangx" or "san".
 * Every row the SQL rule above finds by its keys also matches.  Returns 1 or 0; an empty query
 * or one longer than 63 letters matches nothing, and invalid UTF-8 ends the name.
 */
int pinyin_match(const char *utf8_name, const char *query);

/*
 * The same match, but it may start at any word of the name, so that a person is also found by
 * the given name people call them by: 王小明 from "xiaoming", "xm" or "ming".  Returns the index
 * of the first word a match can start at (0: the whole name, as pinyin_match() finds it; more:
 * a later word), or -1 when there is none.  A row it matches has the query's first letter in its
 * initials key and the query's letters in order in its full key (SQL: initials LIKE '%z%' AND
 * full LIKE '%z%h%s%'), so those two conditions select a superset of its matches.
 */
int pinyin_match_word(const char *utf8_name, const char *query);

#endif
