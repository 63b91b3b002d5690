/*
 * random.h - randomness from the operating system.
 *
 * Everything secret in Wick (session ids, CSRF secrets, salts, request ids)
 * comes from getrandom(2).  There is no fallback to a weaker source.
 */
#ifndef WICK_RANDOM_H
#define WICK_RANDOM_H

#include <stddef.h>

/*
 * wk_random_bytes - fill buf with n random bytes from getrandom(2),
 * retrying on EINTR and short reads.  0 on success, -1 on failure (then the
 * caller must fail the operation: never use buf).
 */
int wk_random_bytes(void *buf, size_t n);

/*
 * wk_random_hex - write 2*nbytes lowercase hex characters and a NUL into
 * out (which holds at least 2*nbytes+1 bytes).  0 or -1.
 */
int wk_random_hex(char *out, size_t nbytes);

#endif /* WICK_RANDOM_H */
