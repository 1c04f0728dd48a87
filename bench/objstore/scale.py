"""The arithmetic of docs/SCALE.md: every computed figure there comes from the
inputs below (stated and sourced in docs/SCALE.md) and the measured ones
(commands in docs/SCALE.md). Change an input, run, and copy the lines.
   python3 bench/objstore/scale.py"""

# ---- inputs: the province (issue 20) ----
PEOPLE = 2.0e6
POINTS = 200                 # reception points (offices)
BACKLOG_PAGES = 80e6         # once the backlog of results is digitised
IMAGE_B = 8e12 / 80e6        # 100 kB a page image (8 TB / 80 M)
BACKLOG_YEARS = 5            # digitised 20 % a year to 100 %
YEARS = 5                    # sizing horizon
NATION_PEOPLE = 100e6
BIG_PROVINCE_PEOPLE = 14e6   # Ho Chi Minh City after the 2025 merger
# ---- inputs: public figure and assumptions ----
HB_DOSSIERS_Q1 = 108120      # Hoa Binh province, Q1 2019, all levels (baohoabinh.com.vn)
HB_PEOPLE = 854131           # Hoa Binh, 2019 census
Q1_WORKDAYS = 60             # Jan-Mar minus weekends and Tet
WORKDAYS = 250
PAPERS_PER_DOSSIER = 2.5     # 1-4, as the benches
PAGES_PER_PAPER = 2
PEAK_HOUR_SHARE = 0.25       # of a day's dossiers in its busiest hour
PEAK_DAY = 2.0               # busiest day against the average day
VIEWS_PER_DOSSIER = 5        # page images read from the store per dossier (reuse, checks)
# ---- measured (docs/SCALE.md gives the commands) ----
HOCR_B = 12753               # mean hOCR of the 209 pages of bench/papers/heldout
TEXT_B = 548                 # mean OCR text of the same pages (94 words)
WH_2PAGE_94W = 3785          # wh_bench -w 94 -g 2: bytes/paper compacted (2 pages, 94 words each)
WH_2PAGE_BLOB = 270          # of which the blob table (mdb_stat -a): two 48-byte image rows
WH_1PAGE_94W = 2181          # wh_bench -w 94 (-g 1)
WH_1PAGE_24W = 1227          # wh_bench -w 24
WRITTEN_OVER_COMPACT = 4364 / 3785
LOG_B = 515 + 211 + 52 + 8   # verify_bench warehouse: log + lognode + sig + checkpoint per paper (1 page)
PAGE_LINE_B = 8 + 64 + 1 + 64 + 1   # "page.N: <image hash> <text hash>\n" of each further page
STUB_ROW_B = 75              # blob row with a 9-byte stub (134 B measured with a 48-byte value, scaled)
VERIFY_CORE_MS = 2 * 1000 / 471   # verify_bench: 471 papers/s on 2 cores
SHA_MBS_CORE = 1223
DESK_COMMITS_S = 3000 / 2.5 / 16.1  # wh_bench -b 1: synced commits (one dossier each) per second
REPLAY_PAPERS_S = 2023       # wh_bench -w 94 -g 2 -b 1000 (bulk path, the replay's), load 13
SEARCH3_P50_10M_MS = 15      # docs/WAREHOUSE.md, 10 M papers
GB, TB = 1e9, 1e12

per_word = (WH_1PAGE_94W - WH_1PAGE_24W) / 70
assert PAGES_PER_PAPER == 2, "WH_2PAGE_* were measured with -g 2"
log_b = LOG_B + (PAGES_PER_PAPER - 1) * PAGE_LINE_B
paper_c = WH_2PAGE_94W - WH_2PAGE_BLOB + 2 * PAGES_PER_PAPER * STUB_ROW_B + log_b  # image + hOCR stubs
paper_w = paper_c * WRITTEN_OVER_COMPACT
print("text and postings: %.1f B a word; signed log %.0f B a paper; paper (2 pages, 94 words each, signed, "
      "S3 stubs): %.0f B compacted, %.0f B as written" % (per_word, log_b, paper_c, paper_w))

dossiers_day_per_person = HB_DOSSIERS_Q1 / Q1_WORKDAYS / HB_PEOPLE


def region(name, people):
    k = people / PEOPLE
    dd = dossiers_day_per_person * people
    new_papers_y = dd * WORKDAYS * PAPERS_PER_DOSSIER
    backlog_papers = BACKLOG_PAGES * k / PAGES_PER_PAPER
    papers = backlog_papers + YEARS * new_papers_y
    pages = papers * PAGES_PER_PAPER
    obj_b = IMAGE_B + HOCR_B
    logical = pages * obj_b
    objects = 2 * pages
    print("\n== %s: %.0f M people" % (name, people / 1e6))
    print("dossiers/day %.0f (%.1f per reception point); new papers/year %.2f M" %
          (dd, dd / (POINTS * k), new_papers_y / 1e6))
    print("year %d: papers %.1f M, pages %.1f M, objects %.0f M" % (YEARS, papers / 1e6, pages / 1e6, objects / 1e6))
    print("LMDB year %d: %.0f GB compacted, %.0f GB as written; per office %.2f GB/year of metadata" %
          (YEARS, papers * paper_c / GB, papers * paper_w / GB, new_papers_y / (POINTS * k) * paper_w / GB))
    print("object store logical %.1f TB; raw 3x %.1f TB, EC 4+2 %.1f TB; at 70 %% fill 3x %.0f TB, EC %.0f TB" %
          (logical / TB, 3 * logical / TB, 1.5 * logical / TB, 3 * logical / TB / .7, 1.5 * logical / TB / .7))
    put_day_desk = dd * PAPERS_PER_DOSSIER * PAGES_PER_PAPER * 2
    backlog_pages_day = BACKLOG_PAGES * k / BACKLOG_YEARS / WORKDAYS
    put_day_back = backlog_pages_day * 2
    peak_desk = put_day_desk * PEAK_HOUR_SHARE * PEAK_DAY / 3600
    back_s = put_day_back / (8 * 3600)
    print("PUT/day: desks %.0f, backlog %.0f; peak PUT/s desks %.1f + backlog %.1f (x%.0f peak) = %.1f; "
          "HTTP requests x2 (HEAD+PUT)" % (put_day_desk, put_day_back, peak_desk, back_s, PEAK_DAY,
                                           peak_desk + PEAK_DAY * back_s))
    get_peak = dd * VIEWS_PER_DOSSIER * PEAK_HOUR_SHARE * PEAK_DAY / 3600
    verify_get = objects / 2 / (30 * 86400)
    print("peak GET/s desks %.1f; verify --all monthly (images) %.0f GET/s around the clock" %
          (get_peak, verify_get))
    dossier_b = PAPERS_PER_DOSSIER * PAGES_PER_PAPER * obj_b + PAPERS_PER_DOSSIER * (
        log_b + PAGES_PER_PAPER * TEXT_B)
    day_b = dd * dossier_b
    print("replication: %.0f kB/dossier; %.2f GB/day desks; peak hour %.1f Mbit/s; backlog %.1f GB/day "
          "(%.1f Mbit/s over 8 h); per reception point %.1f MB/day, peak hour %.0f kbit/s" %
          (dossier_b / 1e3, day_b / GB, day_b * PEAK_HOUR_SHARE * PEAK_DAY * 8 / 3600 / 1e6,
           backlog_pages_day * obj_b / GB, backlog_pages_day * obj_b * 8 / 28800 / 1e6,
           day_b / (POINTS * k) / 1e6, day_b / (POINTS * k) * PEAK_HOUR_SHARE * PEAK_DAY * 8 / 3600 / 1e3))
    peak_dossiers_s = dd * PEAK_HOUR_SHARE * PEAK_DAY / 3600
    print("LMDB writer: peak %.2f dossiers/s against %.0f synced commits/s (x%.0f); backlog replay %.0f papers/day "
          "= %.0f s of bulk writing" % (peak_dossiers_s, DESK_COMMITS_S, DESK_COMMITS_S / peak_dossiers_s,
                                         backlog_pages_day / PAGES_PER_PAPER,
                                         backlog_pages_day / PAGES_PER_PAPER / REPLAY_PAPERS_S))
    post_word = per_word - TEXT_B / 94          # the text itself is in the paper record
    print("3-word search p50 (linear in the rarest list) %.0f ms; search index (two posting lists, "
          "%.1f B a word) %.0f GB" % (SEARCH3_P50_10M_MS * papers / 10e6, post_word,
                                     papers * PAGES_PER_PAPER * 94 * post_word / GB))
    cpu_h = papers * VERIFY_CORE_MS / 1000 / 3600
    hash_h = papers * PAGES_PER_PAPER * IMAGE_B / 1e6 / SHA_MBS_CORE / 3600
    print("verify --all: %.1f core-hours signatures + %.1f core-hours re-hash; %.1f h on 2 cores, %.1f h on 16;"
          " fetch %.1f TB: %.1f h at 1 GB/s" % (cpu_h, hash_h, (cpu_h + hash_h) / 2, (cpu_h + hash_h) / 16,
                                                  pages * IMAGE_B / TB, pages * IMAGE_B / GB / 3600))
    per_year = backlog_papers / BACKLOG_YEARS + new_papers_y   # papers a year while digitising

    def year(n_papers):
        return n_papers / per_year
    print("year reached: 10 M papers %.1f; 33 M papers (3-word search 50 ms) %.1f; 1 M objects %.2f "
          "(%.0f days); 200 M objects in one bucket %.1f; LMDB as written 512 GB %.1f, 1 TiB %.1f" %
          (year(10e6), year(33e6), year(1e6 / (2 * PAGES_PER_PAPER)),
           year(1e6 / (2 * PAGES_PER_PAPER)) * WORKDAYS, year(200e6 / (2 * PAGES_PER_PAPER)),
           year(512e9 / paper_w), year(2 ** 40 / paper_w)))
    return papers


region("province", PEOPLE)
n = region("nation (sum of 34 provinces)", NATION_PEOPLE)
region("largest province", BIG_PROVINCE_PEOPLE)
papers10 = 10e6
print("\nverify --all, 10 M papers: %.1f h on 2 cores (signatures) + %.2f h re-hash of %.0f TB; fetch %.1f h at "
      "25 MB/s (this Swift), %.2f h at 1 GB/s" %
      (papers10 * VERIFY_CORE_MS / 1000 / 3600 / 2, papers10 * PAGES_PER_PAPER * IMAGE_B / 1e6 / SHA_MBS_CORE / 3600 / 2,
       papers10 * PAGES_PER_PAPER * IMAGE_B / TB, papers10 * PAGES_PER_PAPER * IMAGE_B / 25e6 / 3600,
       papers10 * PAGES_PER_PAPER * IMAGE_B / GB / 3600))
print("RGW: %.0f M objects a bucket at 100 000 a shard and 1999 shards" % (1999 * 100000 / 1e6))
