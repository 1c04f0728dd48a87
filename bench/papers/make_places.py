#!/usr/bin/env python3
"""Write paper/places.json, the gazetteer of Vietnamese administrative place
names (provinces, districts, communes and wards) that address facts are
checked against (docs/PAPERS.md "The gazetteer").

    python3 bench/papers/make_places.py DVHCVN.json > paper/places.json

DVHCVN.json: the General Statistics Office's list of administrative units
(danhmuchanhchinh.gso.gov.vn, three levels) as JSON, e.g. data/dvhcvn.json of
github.com/daohoangson/dvhcvn (list of 01/03/2025). Only the names are kept:
the unit's type word ("Xã", "Phường", "Huyện"...) is taken off, names with
digits ("Phường 1") are left out, each name once, sorted."""
import json
import re
import sys
import unicodedata

TYPES = ["Thành phố Trung ương", "Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Quận", "Huyện",
         "Phường", "Xã"]


def bare(name, typ):
    for t in [typ] + TYPES:
        if name.startswith(t + " "):
            return name[len(t) + 1:]
    return name


def main():
    data = json.load(open(sys.argv[1], encoding="utf-8"))["data"]
    names = set()
    for l1 in data:
        names.add(bare(l1["name"], l1["type"]))
        for l2 in l1["level2s"]:
            names.add(bare(l2["name"], l2["type"]))
            for l3 in l2["level3s"]:
                names.add(bare(l3["name"], l3["type"]))
    names = sorted({unicodedata.normalize("NFC", n.strip()) for n in names
                    if n.strip() and not re.search(r"\d", n)})
    out = {"format": "sohoa-places", "version": 1,
           "source": "GSO Danh muc hanh chinh (danhmuchanhchinh.gso.gov.vn), list of 01/03/2025",
           "places": names}
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=0).replace("\n", "\n") + "\n")


if __name__ == "__main__":
    main()
