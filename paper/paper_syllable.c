/* Is a word a valid Vietnamese syllable? (onset + rhyme + tone, with the
 * spelling rules of the national orthography.)
 *
 * Used by the name lexicon to decide whether a word OCR read can be left
 * alone: a valid syllable read with good confidence is never changed. The
 * test is deliberately permissive (it accepts every syllable of the
 * language and some that no word uses, "đạng"): a permissive test can only
 * make restoration rarer, never change a correct name. */
#include "paper_int.h"

#include <string.h>
#include <utf8proc.h>

enum { TONE_NONE, TONE_GRAVE, TONE_ACUTE, TONE_HOOK, TONE_TILDE, TONE_DOT };

/* Rhymes (without tone) that may follow an onset. Spelling variants that
 * depend on the onset (k/gh/ngh before i, e, ê) are checked apart. */
static const char *const rhymes[] = {
	"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
	"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui",
	"ưa", "ưi", "ưu", "iêu", "yêu", "oai", "oay", "uôi", "ươi", "ươu", "uây", "uyu", "oa",
	"oe", "uê", "uy", "uya", "oao", "oeo", "uơ", "ya", "ye", "uyê", "uâ",
	"am", "an", "ang", "ap", "at", "ac", "anh", "ach",
	"ăm", "ăn", "ăng", "ăp", "ăt", "ăc",
	"âm", "ân", "âng", "âp", "ât", "âc",
	"em", "en", "eng", "ep", "et", "ec",
	"êm", "ên", "ênh", "êp", "êt", "êch", "êng",
	"im", "in", "inh", "ip", "it", "ich",
	"om", "on", "ong", "op", "ot", "oc", "oong", "ooc",
	"ôm", "ôn", "ông", "ôp", "ôt", "ôc",
	"ơm", "ơn", "ơp", "ơt", "ơng",
	"um", "un", "ung", "up", "ut", "uc",
	"ưm", "ưn", "ưng", "ưt", "ưc", "ưp",
	"iêm", "iên", "iêng", "iêp", "iêt", "iêc", "ym",
	"yêm", "yên", "yêng", "yêt", "yêp",
	"uôm", "uôn", "uông", "uôt", "uôc", "uôp",
	"ươm", "ươn", "ương", "ươp", "ươt", "ươc",
	"oam", "oan", "oang", "oap", "oat", "oac", "oanh", "oach",
	"oăm", "oăn", "oăng", "oăt", "oăc",
	"oem", "oen", "oeng", "oet", "oec",
	"uân", "uâng", "uât", "uâc", "uăng",
	"uyên", "uyêt", "uynh", "uych", "uyt", "uyn", "uyp", "ynh", "ych", "yt",
	"uênh", "uêch", "uên", "uêt", "uơn", "uơt",
};

static const char *const onsets[] = {
	"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
};

static int stop_coda(const char *r, size_t n)
{
	if (n >= 2 && !strcmp(r + n - 2, "ch"))
		return 1;
	char c = r[n - 1];
	return c == 'p' || c == 't' || c == 'c';
}

static int rhyme_ok(const char *r)
{
	for (size_t i = 0; i < sizeof rhymes / sizeof *rhymes; i++)
		if (!strcmp(rhymes[i], r))
			return 1;
	return 0;
}

/* First letter of a rhyme without marks ("ê" -> 'e'): for the k/c rules. */
static int front_vowel(const char *r)
{
	return r[0] == 'i' || r[0] == 'y' || r[0] == 'e' || !strncmp(r, "ê", strlen("ê"));
}

static int onset_fits(const char *o, const char *r)
{
	int fr = front_vowel(r);
	if (!strcmp(o, "k") || !strcmp(o, "gh") || !strcmp(o, "ngh"))
		return fr;
	if (!strcmp(o, "c") || !strcmp(o, "ng"))
		return !fr;
	if (!strcmp(o, "g"))
		return !fr || r[0] == 'i'; /* "gì" is g + ì */
	if (!strcmp(o, "qu"))
		return r[0] != 'u' && r[0] != 'o';
	if (!strcmp(o, "q"))
		return 0;
	if (!*o)
		return 1;
	return 1;
}

int paper_syllable_ok(const char *w, size_t n)
{
	/* lower case, tone mark taken out, every other mark kept composed */
	char base[64];
	size_t bn = 0;
	int tone = TONE_NONE, tones = 0;
	utf8proc_uint8_t *dec = NULL;
	utf8proc_ssize_t dn = utf8proc_map((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n, &dec,
					   UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	if (dn < 0)
		return 0;
	utf8proc_int32_t cps[64];
	size_t ncp = 0;
	for (utf8proc_ssize_t i = 0; i < dn;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(dec + i, dn - i, &c);
		if (k <= 0 || ncp >= 60) {
			free(dec);
			return 0;
		}
		i += k;
		switch (c) {
		case 0x300: tone = TONE_GRAVE, tones++; continue;
		case 0x301: tone = TONE_ACUTE, tones++; continue;
		case 0x309: tone = TONE_HOOK, tones++; continue;
		case 0x303: tone = TONE_TILDE, tones++; continue;
		case 0x323: tone = TONE_DOT, tones++; continue;
		default: break;
		}
		cps[ncp++] = c;
	}
	free(dec);
	if (tones > 1 || !ncp)
		return 0;
	/* recompose the vowel marks (â ă ê ô ơ ư) */
	for (size_t i = 0; i < ncp; i++) {
		utf8proc_int32_t c = cps[i];
		if (i + 1 < ncp && (cps[i + 1] == 0x302 || cps[i + 1] == 0x306 || cps[i + 1] == 0x31B)) {
			utf8proc_int32_t m = cps[++i];
			if (m == 0x302 && (c == 'a' || c == 'e' || c == 'o'))
				c = c == 'a' ? 0xE2 : c == 'e' ? 0xEA : 0xF4;
			else if (m == 0x306 && c == 'a')
				c = 0x103;
			else if (m == 0x31B && (c == 'o' || c == 'u'))
				c = c == 'o' ? 0x1A1 : 0x1B0;
			else
				return 0;
		} else if (c == 0x302 || c == 0x306 || c == 0x31B) {
			return 0;
		}
		if (c != 0x111 && c != 0xE2 && c != 0xEA && c != 0xF4 && c != 0x103 && c != 0x1A1 &&
		    c != 0x1B0 && (c < 'a' || c > 'z'))
			return 0;
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(c, e);
		if (bn + (size_t)en + 1 > sizeof base)
			return 0;
		memcpy(base + bn, e, (size_t)en);
		bn += (size_t)en;
	}
	base[bn] = 0;
	for (size_t o = 0; o < sizeof onsets / sizeof *onsets; o++) {
		size_t on = strlen(onsets[o]);
		if (strncmp(base, onsets[o], on))
			continue;
		const char *r = base + on;
		size_t rn = bn - on;
		if (!rn) {
			/* "gi" alone is g + i */
			continue;
		}
		if (!rhyme_ok(r) || !onset_fits(onsets[o], r))
			continue;
		if (stop_coda(r, rn) && tone != TONE_ACUTE && tone != TONE_DOT)
			continue;
		return 1;
	}
	/* "gì", "gỉ": g + i with a tone */
	return !strcmp(base, "gi");
}
