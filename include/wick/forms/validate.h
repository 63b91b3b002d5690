/*
 * validate.h - the syntax checks behind the form fields: e-mail addresses,
 * http/https URLs, IP addresses, and IDN labels in punycode.
 *
 * The rules are Django's (django/core/validators.py of 3.2, checked against
 * its validator test data by tests/django/run_validators.py), so a value a
 * Django form accepts is accepted here and the other way round, with one
 * documented choice: URLs are http or https only.
 *
 *   if (!wk_valid_email(s, strlen(s))) return "Enter a valid email address.";
 *
 * What that means in short:
 *   URL     scheme http/https (any case) "://", optional user[:password]@,
 *           a host (dotted quad without leading zeros, a bracketed IPv6
 *           address, "localhost", or DNS labels of at most 63 characters
 *           ending in an alphabetic or punycode top-level label, one
 *           trailing dot allowed; labels may be non-ASCII and are then
 *           checked again in punycode form), an optional port of 2-5
 *           digits, then a path, query or fragment without white space;
 *           2048 characters at most, the host 253; no tab, CR or LF.
 *   e-mail  local part: dot-atom or a quoted string; domain: DNS labels
 *           with a top-level label of 2-63 letters, digits or hyphens,
 *           an IDN domain (checked in punycode), "localhost", or an IP
 *           literal [127.0.0.1] / [2001:db8::1].  A bare IP address
 *           (a@127.0.0.1) is refused.  320 characters at most.
 * Input is UTF-8; every function is linear in n and allocates nothing.
 */
#ifndef WICK_VALIDATE_H
#define WICK_VALIDATE_H

#include <stddef.h>

/* Each check returns 1 when the n bytes at s are valid, else 0. */
int wk_valid_url(const char *s, size_t n);
int wk_valid_email(const char *s, size_t n);

/* Dotted quad: four decimal octets 0-255, no leading zeros. */
int wk_valid_ipv4(const char *s, size_t n);

/* IPv6 text form as Python's ipaddress reads it: up to eight groups of
 * 1-4 hex digits, at most one "::", optionally ending in a dotted quad. */
int wk_valid_ipv6(const char *s, size_t n);

/*
 * wk_punycode_encode - the RFC 3492 encoding of one UTF-8 label (n bytes,
 * without the "xn--" prefix) into out (cap bytes, NUL-terminated).
 * Returns the length written, or -1 when the label is not valid UTF-8 or
 * the result does not fit in cap - 1 bytes.
 *   wk_punycode_encode("bücher", 7, buf, sizeof(buf)) -> "bcher-kva"
 */
long wk_punycode_encode(const char *s, size_t n, char *out, size_t cap);

#endif /* WICK_VALIDATE_H */
