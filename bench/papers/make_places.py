#!/usr/bin/env python3
"""Write paper/places.json, the gazetteer of Vietnamese administrative place
names (provinces, districts, communes and wards) that address facts are
checked against (docs/PAPERS.md "The gazetteer").

    python3 bench/papers/make_places.py DVHCVN.json [CV1027.md] > paper/places.json

DVHCVN.json: the General Statistics Office's list of administrative units
(danhmuchanhchinh.gso.gov.vn, three levels) as JSON, e.g. data/dvhcvn.json of
github.com/daohoangson/dvhcvn (list of 01/03/2025).
CV1027.md: the units in force from 1 July 2025, Phụ lục I of Công văn
1027/CTK-CSCL of 25/06/2025 of the Cục Thống kê (3,321 communes, wards and
special zones of the 34 provinces), as a Markdown table with rows
"| Stt | Mã số | Tên đơn vị hành chính | Tỉnh (thành phố) |" (e.g.
input/docs/1027_CTK-CSCL.md of github.com/dvhcvn/20250701). Papers issued
before July 2025 carry the old names and papers issued since the new ones:
both lists are kept.
Only the names are kept: the unit's type word ("Xã", "Phường", "Huyện",
"Đặc khu"...) is taken off, names with digits ("Phường 1") are left out, each
name once, sorted."""
import json
import re
import sys
import unicodedata

TYPES = ["Thành phố Trung ương", "Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Quận", "Huyện",
         "Phường", "Xã", "Đặc khu", "Tp"]
ROW_1027 = re.compile(r"^\|\s*(\d+)\s*\|\s*(\d{5})\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$")


def units_1027(path):
    """The names of the communes of Công văn 1027/CTK-CSCL (Phụ lục I) and
    their provinces; every row numbered 1..N once, else the file is refused."""
    rows = []
    for line in open(path, encoding="utf-8"):
        m = ROW_1027.match(line)
        if m:
            rows.append([re.sub(r"\s+", " ", re.sub(r"<br\s*/?>", " ", x)).strip() for x in m.groups()])
    if sorted(int(r[0]) for r in rows) != list(range(1, len(rows) + 1)) or len({r[1] for r in rows}) != len(rows):
        sys.exit("%s: rows not numbered 1..%d once, or a code twice" % (path, len(rows)))
    names = set()
    for _, _, unit, province in rows:
        names.add(bare(unit, ""))
        names.add(bare(province, ""))
    return names, len(rows)


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
    source = "GSO Danh muc hanh chinh (danhmuchanhchinh.gso.gov.vn), list of 01/03/2025"
    if len(sys.argv) > 2:
        new, n = units_1027(sys.argv[2])
        names |= new
        source += "; Cong van 1027/CTK-CSCL of 25/06/2025, Phu luc I (%d units from 01/07/2025)" % n
    names = sorted({unicodedata.normalize("NFC", n.strip()) for n in names
                    if n.strip() and not re.search(r"\d", n)})
    out = {"format": "sohoa-places", "version": 1, "source": source, "places": names}
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=0).replace("\n", "\n") + "\n")


if __name__ == "__main__":
    main()
