/*
 * fuzz_multipart.c - libFuzzer harness for the multipart/form-data parser.
 *
 * Uploads are the largest piece of untrusted input Wick parses after the
 * request itself, and the parser is a state machine fed in chunks, so the
 * harness varies both the bytes and the chunking.  Input layout: the first
 * line is the Content-Type (so boundaries are fuzzed too); the rest is the
 * body.  The Content-Type line's length picks the chunk size (1..64 bytes,
 * or all at once) and whether files are written to disk.  Limits are small
 * so that every limit is reachable.  After each run the parts are touched
 * (ASan sees bad pointers), stored files must exist, and after cleanup the
 * private folder must be gone; on failure there must be no parts.
 * Seeds: tests/fuzz/corpus/fuzz_multipart/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/core/arena.h"
#include "wick/http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct wk_multipart_opts o;
	struct wk_multipart mp;
	volatile size_t sink = 0;
	size_t ctlen, off, chunk, n, i;
	char *ct;
	wk_arena a;
	int st;

	if (nl == NULL)
		return 0;
	ctlen = (size_t)(nl - data);
	wk_arena_init(&a);
	ct = wk_arena_strndup(&a, (const char *)data, ctlen);
	if (ct == NULL)
		goto out;
	data += ctlen + 1;
	size -= ctlen + 1;

	wk_multipart_opts_default(&o, NULL);
	o.limits.max_parts = 20;
	o.limits.max_field_bytes = 256;
	o.limits.max_file_bytes = 1024;
	o.limits.max_total_bytes = 1 << 16;
	o.limits.max_header_bytes = 256;
	o.store_files = (ctlen & 1) == 0;
	chunk = ctlen % 3 == 0 ? size : 1 + ctlen % 64;

	st = wk_multipart_begin(&mp, &a, ct, &o);
	for (off = 0; st == 0 && off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		st = wk_multipart_feed(&mp, data + off, n);
	}
	if (st == 0)
		st = wk_multipart_end(&mp);
	if (st != 0) {
		if (mp.n_parts != 0 || mp.dir != NULL || mp.error == NULL)
			abort();
	} else {
		for (i = 0; i < mp.n_parts; i++) {
			const struct wk_multipart_part *p = &mp.parts[i];
			sink += strlen(p->name) + p->value_len + p->size +
			    (unsigned char)p->value[p->value_len];
			if (p->filename != NULL)
				sink += strlen(p->filename);
			if (p->content_type != NULL)
				sink += strlen(p->content_type);
			if (p->path != NULL && access(p->path, F_OK) != 0)
				abort();
		}
		(void)wk_multipart_find(&mp, "a");
	}
	wk_multipart_cleanup(&mp);
	if (mp.dir != NULL)
		abort();
	(void)sink;
out:
	wk_arena_free(&a);
	return 0;
}
