/* Tesseract 5.3 keeps every word image it recognises as a PNG in memory
 * (ImageData::SetPixInternal: pixWriteMem, IFF_PNG) and decodes it at once
 * to feed its network. Compressing them was ~8 % of the CPU of a page
 * (zlib's deflate at level 6 and libpng's adaptive filters; docs/OCR.md
 * "Session 14: speed"), for images that live a few microseconds.
 *
 * png_set_compression_level is defined here so that it takes the place of
 * libpng's (Leptonica calls it for every PNG it writes): on a thread that
 * asked for it (sh_ocr_png_fast, the pool's workers while Tesseract runs)
 * the PNG is written stored (level 0) and unfiltered: the same pixels and
 * the same PNG format, only larger. Everywhere else libpng's own function
 * is called with the caller's level, unchanged. */
#define _GNU_SOURCE
#include "ocr_int.h"

#include <dlfcn.h>
#include <png.h>
#include <stdatomic.h>
#include <stdint.h>

static _Thread_local int png_fast;

void sh_ocr_png_fast(int on) { png_fast = on; }

typedef void (*set_level_fn)(png_structrp, int);

void png_set_compression_level(png_structrp png_ptr, int level)
{
	static _Atomic(set_level_fn) real;
	set_level_fn f = atomic_load_explicit(&real, memory_order_acquire);
	if (!f) {
		void *sym = dlsym(RTLD_NEXT, "png_set_compression_level");
		f = (set_level_fn)(uintptr_t)sym;
		if (!f)
			return; /* no libpng beyond us: its default level stays */
		atomic_store_explicit(&real, f, memory_order_release);
	}
	if (png_fast) {
		level = 0;
		png_set_filter(png_ptr, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	}
	f(png_ptr, level);
}
