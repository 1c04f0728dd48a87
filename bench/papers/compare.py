#!/usr/bin/env python3
"""Compare `sohoa extract --json` output with ground-truth papers.

  sohoa extract --json IMG... > out.jsonl
  python3 bench/papers/compare.py out.jsonl TRUTH_DIR... [-v]

Truth for IMG is NAME.json in a TRUTH_DIR (NAME = IMG without extension).
Prints per field: total, right, missing, WRONG (a value different from the
truth, or one the truth does not have) and accuracy, as paper_bench does;
then "edge glyph in a fact": facts holding a lone token that is no word —
a glyph without letter or digit ("|", "]", ":", "ˆ") or a lone stroke
letter ("l", "Ỉ", "ị") — that the truth's value does not hold (issue 23:
the desk's edge read as characters must never reach a fact). With truth
"handwritten" lists (make_hand.py): handwritten fields flagged, left out,
stored right, stored WRONG (must be 0), and printed fields flagged. Then
"names changed": name facts (owner_name, signer) whose reading as read
("as_read", kept beside every correction) was right and whose value is not
(must be 0), names corrected right, and names flagged "unsure" (read
twice otherwise, kept as read) right and WRONG.
"""
import json
import os
import sys
import unicodedata

STROKES = set("lIijJỉỈịỊìÌíÍĩĨı")
PUNCT = set("-&/+–—(),.")


def edge_glyphs(value, truth):
    """The tokens of value (a fact) that are lone non-word glyphs and not in truth."""
    if not isinstance(value, str):
        return []
    have = set(truth.split()) if isinstance(truth, str) else set()
    bad = []
    for tok in value.replace(";", " ").split():
        if tok in have:
            continue
        word = any(unicodedata.category(c)[0] in "LN" and unicodedata.category(c) != "Lm" for c in tok)
        if not word and len(tok) <= 3 and not set(tok) <= PUNCT:
            bad.append(tok)
        elif len(tok) == 1 and tok in STROKES:
            bad.append(tok)
    return bad

FIELDS = ["doc_type", "number", "date", "issuer", "title", "signer", "signer_title",
          "owner_id", "owner_name", "birth_date", "sex", "valid_until"]


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    if len(args) < 2:
        sys.exit(__doc__)
    truths = {}
    for d in args[1:]:
        for f in os.listdir(d):
            if f.endswith(".json"):
                with open(os.path.join(d, f), encoding="utf-8") as fp:
                    truths[f[:-5]] = json.load(fp)
    rows = {k: [0, 0, 0, 0] for k in FIELDS + ["kind"]}  # total right missing wrong
    papers = allright = 0
    edges = []
    names = {"changed": 0, "fixed": 0, "corrected": 0, "unsure_right": 0, "unsure_wrong": 0}
    hand = {"total": 0, "flagged": 0, "missing": 0, "right": 0, "wrong": 0, "printed_flagged": 0}
    with open(args[0], encoding="utf-8") as fp:
        for line in fp:
            got = json.loads(line)
            name = os.path.splitext(os.path.basename(got["file"]))[0]
            t = truths.get(name)
            if t is None:
                continue
            papers += 1
            ok = True
            r = rows["kind"]
            r[0] += 1
            if got["kind"] == t["kind"]:
                r[1] += 1
            else:
                r[3] += 1
                ok = False
                if verbose:
                    print("  %s kind: want %s got %s" % (name, t["kind"], got["kind"]))
            gf, tf = got.get("fields", {}), t["fields"]
            for k, v in gf.items():
                g = edge_glyphs(v, tf.get(k))
                if g:
                    edges.append((name, k, v))
                    if verbose:
                        print("  %s %s: edge glyph %s in %r" % (name, k, " ".join(g), v))
            for k in FIELDS:
                r = rows[k]
                if k not in tf:
                    if gf.get(k) is not None:
                        r[3] += 1
                        ok = False
                        if verbose:
                            print("  %s %s: not on paper, got %r" % (name, k, gf[k]))
                    continue
                r[0] += 1
                if k in gf and gf[k] == tf[k]:
                    r[1] += 1
                    continue
                ok = False
                if k not in gf:
                    r[2] += 1
                else:
                    r[3] += 1
                if verbose:
                    print("  %s %s: want %r got %r" % (name, k, tf[k], gf.get(k, "(none)")))
            ar = got.get("as_read", {})
            for k in ("owner_name", "signer"):
                if k not in tf:
                    continue
                if k in ar:
                    names["corrected"] += 1
                    if ar[k] == tf[k] and gf.get(k) != tf[k]:
                        names["changed"] += 1
                        if verbose:
                            print("  %s %s: read right %r, CHANGED to %r" % (name, k, ar[k], gf.get(k)))
                    elif ar[k] != tf[k] and gf.get(k) == tf[k]:
                        names["fixed"] += 1
                if k in got.get("unsure", []):
                    names["unsure_right" if gf.get(k) == tf[k] else "unsure_wrong"] += 1
            th, gh = t.get("handwritten", []), got.get("handwritten", [])
            for k in th:
                hand["total"] += 1
                v = got.get("fields", {}).get(k)
                key = "flagged" if k in gh else "missing" if v is None else \
                    "right" if v == t["fields"].get(k) else "wrong"
                hand[key] += 1
                if verbose and key == "wrong":
                    print("  %s %s: handwritten, WRONG value stored %r" % (name, k, v))
            hand["printed_flagged"] += len([k for k in gh if k not in th])
            allright += ok
    print("%d papers, %d with every fact right (%.1f %%)" % (papers, allright,
                                                            100.0 * allright / max(papers, 1)))
    print("  %-13s %6s %6s %7s %6s %8s" % ("field", "total", "right", "missing", "WRONG", "accuracy"))
    tot = right = 0
    for k in FIELDS + ["kind"]:
        t, rr, m, w = rows[k]
        if not t and not w:
            continue
        print("  %-13s %6d %6d %7d %6d %7.1f %%" % (k, t, rr, m, w, 100.0 * rr / t if t else 0))
        if k != "kind":
            tot += t
            right += rr
    print("  %-13s %6d %6d %23.1f %%" % ("all facts", tot, right, 100.0 * right / max(tot, 1)))
    print("  edge glyph in a fact: %d (must be 0)" % len(edges))
    print("  names changed: %(changed)d read right and changed (must be 0); %(corrected)d corrected "
          "(as read kept), %(fixed)d of them right; unsure (kept as read, for review): "
          "%(unsure_right)d right, %(unsure_wrong)d WRONG" % names)
    if hand["total"] or hand["printed_flagged"]:
        print("  handwritten: %(total)d fields: %(flagged)d flagged, %(missing)d left out unflagged, "
              "%(right)d right value stored, %(wrong)d WRONG value stored (must be 0); "
              "printed fields flagged: %(printed_flagged)d" % hand)


if __name__ == "__main__":
    main()
