/* Tesseract 5.3 opens an OpenMP parallel region for every time step of
 * its LSTM layers (LSTM::Forward: "parallel sections" over the four
 * gates; "parallel for" elsewhere). The pool runs one page per worker, one
 * thread each (OMP_THREAD_LIMIT=1 or not: a worker must not start a team
 * of its own), so every region is a team of one; libgomp still builds
 * and ends a team for it, and its final barrier wakes the team's futex:
 * one system call per region, ~28,000 a 160 dpi page, ~8 % of the CPU
 * of a low-resolution page (docs/OCR.md "Session 17").
 *
 * The three entry points Tesseract calls for those regions are defined
 * here so that they take the place of libgomp's. On a thread that asked
 * (sh_ocr_omp_inline, the pool's workers while Tesseract runs) a region
 * runs at once on the calling thread as a team of one, which is what
 * libgomp gives it under OMP_THREAD_LIMIT=1: the same iterations in the
 * same order, so the same results to the bit. omp_get_num_threads() and
 * omp_get_thread_num() (libgomp's own) answer 1 and 0 outside a team. The
 * sections of a "parallel sections" region are handed out in order by
 * GOMP_sections_next below. Everywhere else libgomp's own functions run. */
#define _GNU_SOURCE
#include "ocr_int.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>

/* libgomp's ABI (GCC's libgomp_g.h); the outlined region body */
typedef void (*omp_body_fn)(void *);
typedef void (*gomp_parallel_fn)(omp_body_fn, void *, unsigned, unsigned);
typedef void (*gomp_parallel_sections_fn)(omp_body_fn, void *, unsigned, unsigned, unsigned);
typedef unsigned (*gomp_sections_next_fn)(void);
typedef void (*gomp_sections_end_fn)(void);

void GOMP_parallel(omp_body_fn fn, void *data, unsigned num_threads, unsigned flags);
void GOMP_parallel_sections(omp_body_fn fn, void *data, unsigned num_threads, unsigned count,
			    unsigned flags);
unsigned GOMP_sections_next(void);
void GOMP_sections_end_nowait(void);

static _Thread_local int omp_inline;
/* the "parallel sections" region running inline on this thread: its next
 * section (1-based) and its count; active 0 when none */
static _Thread_local struct {
	int active;
	unsigned next, count;
} sec;

void sh_ocr_omp_inline(int on) { omp_inline = on; }

/* libgomp's definition of name (the next object after this one), cached
 * in *slot; NULL when there is none. */
static void *real(_Atomic(void *) *slot, const char *name)
{
	void *f = atomic_load_explicit(slot, memory_order_acquire);
	if (!f) {
		f = dlsym(RTLD_NEXT, name);
		if (f)
			atomic_store_explicit(slot, f, memory_order_release);
	}
	return f;
}

void GOMP_parallel(omp_body_fn fn, void *data, unsigned num_threads, unsigned flags)
{
	static _Atomic(void *) slot;
	gomp_parallel_fn f = NULL;
	if (!omp_inline && (f = (gomp_parallel_fn)(uintptr_t)real(&slot, "GOMP_parallel")))
		f(fn, data, num_threads, flags);
	else
		fn(data);
}

void GOMP_parallel_sections(omp_body_fn fn, void *data, unsigned num_threads, unsigned count,
			    unsigned flags)
{
	static _Atomic(void *) slot;
	gomp_parallel_sections_fn f = NULL;
	if (!omp_inline &&
	    (f = (gomp_parallel_sections_fn)(uintptr_t)real(&slot, "GOMP_parallel_sections"))) {
		f(fn, data, num_threads, count, flags);
		return;
	}
	/* a region nested in a section gets its own count; the outer one's
	 * is taken up again after it */
	int active = sec.active;
	unsigned next = sec.next, n = sec.count;
	sec.active = 1;
	sec.next = 1;
	sec.count = count;
	fn(data);
	sec.active = active;
	sec.next = next;
	sec.count = n;
}

unsigned GOMP_sections_next(void)
{
	static _Atomic(void *) slot;
	if (sec.active)
		return sec.next <= sec.count ? sec.next++ : 0;
	gomp_sections_next_fn f = (gomp_sections_next_fn)(uintptr_t)real(&slot, "GOMP_sections_next");
	return f ? f() : 0;
}

void GOMP_sections_end_nowait(void)
{
	static _Atomic(void *) slot;
	if (sec.active)
		return;
	gomp_sections_end_fn f = (gomp_sections_end_fn)(uintptr_t)real(&slot, "GOMP_sections_end_nowait");
	if (f)
		f();
}
