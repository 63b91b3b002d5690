/*
 * fuzz_settings.c - libFuzzer harness for the config file parser
 * (wk_settings_load_file).  The input is written to one temporary file and
 * parsed on top of the defaults; any result is fine, a crash or a leak is not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/core/arena.h"
#include "wick/core/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[] = "/tmp/wick-fuzz-settings-XXXXXX";
	static int fd = -1;
	struct wk_settings s;
	wk_arena a;
	char err[256];

	if (fd < 0 && (fd = mkstemp(path)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	wk_arena_init(&a);
	wk_settings_defaults(&s);
	if (wk_settings_load_file(&s, &a, path, err, sizeof(err)) != 0 &&
	    memchr(err, '\0', sizeof(err)) == NULL)
		abort();  /* the message must always be terminated */
	wk_arena_free(&a);
	return 0;
}
