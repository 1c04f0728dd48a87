/* splitfind IMG... — two pages on one scan (ocr/split.c): prints, per
 * image, "NAME<TAB>pieces<TAB>kind<TAB>boxes" (bench/ocr/twoup_bench.sh). */
#include <stdio.h>
#include <string.h>

#include "sh_ocr.h"

int main(int argc, char **argv)
{
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		PIX *p = pixRead(argv[i]);
		sh_ocr_split s;
		const char *base = strrchr(argv[i], '/');
		base = base ? base + 1 : argv[i];
		if (!p || sh_ocr_split_find(p, &s)) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			pixDestroy(&p);
			bad = 1;
			continue;
		}
		printf("%s\t%d\t%s", base, s.n,
		       s.kind == SH_SPLIT_CARD ? "card" : s.kind == SH_SPLIT_PAGES ? "pages" : "-");
		for (int k = 0; k < s.n; k++)
			printf("\t%d,%d,%d,%d", s.box[k][0], s.box[k][1], s.box[k][2], s.box[k][3]);
		printf("\n");
		pixDestroy(&p);
	}
	return bad;
}
