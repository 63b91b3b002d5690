#!/usr/bin/env python3
"""run_unicode.py - Wick's case and slug filters against Python's own.

Django's upper, lower, title, capfirst and slugify are Python's str
methods, unicodedata.normalize and re (django/template/defaultfilters.py,
django/utils/text.py).  This harness renders each filter through the
conformance driver (build/glibc/bin/tpl_driver) over

  * every code point Python's unicodedata knows (all but unassigned ones,
    surrogates and U+0000, which Wick's strings cannot hold), in chunks: each code point alone, doubled and after a
    cased letter, so that title-casing, lowering after a cased letter and
    the final sigma are all reached;
  * a fixed list of words in many scripts;
  * seeded random strings mixing letters, combining marks, sigmas,
    apostrophes, digits of several scripts, spaces and dashes;

and compares with what Python answers here.  Python's unicodedata may be
an older Unicode than the unicode-data package Wick's tables come from:
code points Python does not know are left out (their count is printed),
and the characters listed in KNOWN (whose properties changed between the
two versions) are reported but do not fail the run.  Prints one
"N passed, M failed" line last; exits non-zero on any other disagreement.
"""
import argparse
import json
import random
import re
import subprocess
import sys
import unicodedata

FILTERS = ("upper", "lower", "title", "capfirst", "slugify",
           'slugify:"unicode"')

# Code points whose answers differ because Wick's Unicode is newer than
# Python's unicodedata.  Unicode 15.0 made U+A7F2..U+A7F4 (modifier
# letters capital C, F, Q, new in 14.0) Other_Lowercase, hence Cased:
# title() after them lowers the next letter where Python 3.11 (14.0)
# title-cases it.  They are tested alone, outside the chunks.
KNOWN = {0xA7F2, 0xA7F3, 0xA7F4}


def django_title(value):
    t = re.sub("([a-z])'([A-Z])", lambda m: m[0].lower(), value.title())
    return re.sub(r"\d([A-Z])", lambda m: m[0].lower(), t)


def django_slugify(value, allow_unicode=False):
    value = str(value)
    if allow_unicode:
        value = unicodedata.normalize('NFKC', value)
    else:
        value = unicodedata.normalize('NFKD', value).encode(
            'ascii', 'ignore').decode('ascii')
    value = re.sub(r'[^\w\s-]', '', value.lower())
    return re.sub(r'[-\s]+', '-', value).strip('-_')


EXPECT = {
    "upper": str.upper,
    "lower": str.lower,
    "title": django_title,
    "capfirst": lambda v: v and v[0].upper() + v[1:],
    "slugify": django_slugify,
    'slugify:"unicode"': lambda v: django_slugify(v, True),
}

WORDS = [
    "élan", "ÉLAN", "straße", "STRASSE", "ΟΔΟΣ", "ὈΔΥΣΣΕΎΣ", "Σ", "ΑΣ.",
    "ΑΣ'Σ", "σς", "İstanbul", "ıi", "ĳssel", "ǆungla", "ǅ", "ﬁnance",
    "ﬀ", "ﬃ", "և", "ᾳ", "ᾼ", "ΐ", "ǰ", "ŉ", "ẞ", "Ⅻ", "x²", "½", "ℌ",
    "ｆｕｌｌ", "ﾊﾝｶｸ", "한국어", "ㄱㅏ", "조선말", "日本語", "Ωμέγα",
    "Привет мир", "ПРИВЕТ", "Ꙋ", "ⴀ", "Ⴀ", "ა", "ᲐᲑ", "𐐀𐐨", "𞤀𞤢",
    "ꭰ", "Ꭰ", "they're bill's friends from the UK", "1st 2nd ٣A ३B",
    "a'b'c", "ab'c'd", "o'NEIL", "Ǆ'Ǆ", "e\u0301\u0323", "a\u0328\u0301",
    "\u1100\u1161\u11a8", "\u0345", "A\u0345", "Σ\u0345", "_x_", "-_-",
    "  - leading and trailing -  ", "tab\there", "nb\u00a0sp", "\u3000ideo",
    "em\u2003space", "line\u2028sep", "x\u001cy", "über-ünïcode",
    "Ａ－Ｂ＿Ｃ", "㍿", "㈱", "ℓ", "µ", "ſ", "K", "Å", "Ω", "ﬆ", "ﬗ",
    "\U0001d400\U0001d41a", "⒜", "①②", "🄰", "ᵃᵇ", "ⓐⒶ",
]

POOL = ("aAzZ'’.:·^`_- \t\u00a0\u2003\u3000019٣३"
        "ßΣσςΑαİıǅǆﬁ\u0301\u0323\u0345\u0308\u0327\u200d\u00ad"
        "éÉøØŁłĳÞþЖжԱաჀⴀᏸᏰ한ㄱㅏ\u1100\u1161\u11a8½²ℌＡｆﾊ")


def code_point_strings(known):
    """Chunks over every code point Python knows, and the count of those
    in Wick's UnicodeData.txt that Python does not."""
    cps = [c for c in range(1, 0x110000)
           if unicodedata.category(chr(c)) not in ("Cn", "Cs")
           and c not in KNOWN]
    out = [chr(c) + "A" for c in sorted(KNOWN)]
    for i in range(0, len(cps), 128):
        chunk = cps[i:i + 128]
        out.append(" ".join(chr(c) for c in chunk))
        out.append(" ".join(chr(c) * 2 for c in chunk))
        out.append(" ".join("a" + chr(c) for c in chunk))
        out.append("".join(chr(c) for c in chunk))
    newer = sum(1 for c in known
                if unicodedata.category(chr(c)) == "Cn")
    return out, newer


def unicode_data_cps(path):
    cps = set()
    first = None
    with open(path, encoding="ascii") as f:
        for line in f:
            fields = line.split(";")
            c = int(fields[0], 16)
            if fields[1].endswith(", First>"):
                first = c
            elif fields[1].endswith(", Last>"):
                cps.update(range(first, c + 1))
            else:
                cps.add(c)
    return cps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--django")  # accepted for tests/django/run; unused
    ap.add_argument("--unicode-data",
                    default="/usr/share/unicode/UnicodeData.txt")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    strings, newer = code_point_strings(unicode_data_cps(args.unicode_data))
    rng = random.Random(18)
    randoms = ["".join(rng.choice(POOL) for _ in range(rng.randint(1, 12)))
               for _ in range(3000)]
    cases = [("code points", s) for s in strings] + \
        [("words", s) for s in WORDS] + [("random", s) for s in randoms]

    drv = subprocess.Popen([args.driver], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True,
                           encoding="utf-8")
    passed = failed = known = 0
    shown = 0
    for flt in FILTERS:
        tpl = "{{ s|%s }}" % flt
        for kind, s in cases:
            req = {"op": "render", "templates": {"t": tpl}, "name": "t",
                   "context": {"s": s}, "autoescape": False}
            drv.stdin.write(json.dumps(req) + "\n")
            drv.stdin.flush()
            line = drv.stdout.readline()
            if not line:
                print("run_unicode: the driver died on %s %r" % (flt, s))
                print("%d passed, %d failed" % (passed, failed + 1))
                return 1
            got = json.loads(line).get("output")
            want = EXPECT[flt](s)
            if got == want:
                passed += 1
                continue
            if any(ord(ch) in KNOWN for ch in s):
                known += 1
                continue
            failed += 1
            if shown < 20 or args.verbose:
                shown += 1
                got = got or ""
                at = next((i for i, (a, b) in enumerate(zip(got, want))
                           if a != b), min(len(got), len(want)))
                print("FAIL %s (%s): %r -> %r, Python %r (from output "
                      "character %d)" % (flt, kind, s[:40],
                                         got[at:at + 20], want[at:at + 20],
                                         at))
    drv.stdin.close()
    drv.wait()
    total = passed + failed + known
    print("unicode: Python %s unicodedata %s; %d code points of Wick's "
          "tables unknown to it left out"
          % (sys.version.split()[0], unicodedata.unidata_version, newer))
    print("unicode: %d cases, %d agree (%.3f%%), %d known differences"
          % (total, passed, 100.0 * passed / total if total else 0, known))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
