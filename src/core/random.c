/*
 * random.c - the operating system's randomness (see random.h).
 *
 * getrandom(2) blocks only until the kernel pool is first seeded, never
 * afterwards, and needs no file descriptor - which matters for a process
 * that may be started in a chroot or with few descriptors.
 */
#include <errno.h>
#include <sys/random.h>

#include "wick/core/random.h"

/* see random.h */
int
wk_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* see random.h */
int
wk_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	size_t i;

	if (nbytes > sizeof(raw))
		return -1;
	if (wk_random_bytes(raw, nbytes) != 0)
		return -1;
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return 0;
}
