/*
 * sh_pdf.h — searchable PDF/A-1b copies of stored papers (docs/PDF.md).
 *
 * A document is built page by page from archival page images as they are
 * stored (JPEG kept as DCT, CCITT G4 TIFF kept as CCITTFax, PNG kept as its
 * own Flate data with the PNG predictor; anything else decoded losslessly and
 * Flate-compressed), each with an invisible text layer (rendering mode 3)
 * placed word by word from the page's hOCR. The file is written with qpdf
 * (PDF 1.4, no object streams) with XMP metadata, an sRGB OutputIntent and
 * the embedded GlyphLessFont, so that it conforms to PDF/A-1b.
 *
 * Errors: int codes from sh_common.h with sh_error_message() set. Expected:
 * SH_EINVAL (an image or hOCR that cannot be used), SH_ELIMIT (beyond the
 * limits below), SH_ENOTFOUND (a code, the ICC profile or the font file),
 * SH_EIO (the output cannot be written), SH_ENOMEM.
 *
 * Thread safety: an sh_pdf handle is used by one thread at a time; distinct
 * handles are independent.
 */
#ifndef SH_PDF_H
#define SH_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"
#include "sh_wh.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_PDF_MAX_PAGES 2000        /* pages per document */
#define SH_PDF_MAX_WORDS 200000      /* hOCR words per page */
#define SH_PDF_MAX_HOCR (64u << 20)  /* bytes of hOCR per page */

/* Where the colour profile and the font come from (Debian packages
 * icc-profiles-free and libtesseract5); $SOHOA_PDF_ICC and $SOHOA_PDF_FONT
 * override them. */
#define SH_PDF_ICC_PATH "/usr/share/color/icc/sRGB.icc"
#define SH_PDF_FONT_PATH "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf"

/* Document metadata; every string UTF-8, borrowed for the call, may be NULL.
 * It goes into both the Info dictionary and the XMP packet. */
typedef struct sh_pdf_meta {
	const char *title;     /* dc:title  — e.g. "Giấy khai sinh <code>" */
	const char *author;    /* dc:creator — the agency */
	const char *subject;   /* dc:description */
	const char *keywords;  /* pdf:Keywords — the codes */
	int64_t created;       /* CreateDate/ModifyDate (unix s, UTC); 0: now */
} sh_pdf_meta;

/* One page. All pointers borrowed for the call (the image is copied). */
typedef struct sh_pdf_page {
	const uint8_t *image;  /* archival image file bytes */
	size_t image_len;
	const char *mime;      /* "image/jpeg", "image/png", "image/tiff" */
	int dpi;               /* the page's own resolution as stored (0: the image file's tag, else 300);
				* the hOCR is placed by its own page size */
	int rotation;          /* degrees clockwise to read the page: 0/90/180/270 (/Rotate) */
	const char *hocr;      /* Tesseract hOCR of the page turned by rotation, or NULL */
	size_t hocr_len;
	const char *text;      /* without hOCR: the page's text, put unplaced (may be NULL) */
	double skew;           /* degrees (clockwise) the OCR straightened the page by */
	int skew_unknown;      /* 1: it did (SH_PAGE_DESKEWED) but the angle was not
				* kept: measured again here, as the OCR clean-up does */
} sh_pdf_page;

typedef struct sh_pdf sh_pdf;

/* A new empty document. *out: release with sh_pdf_free. */
int sh_pdf_new(sh_pdf **out, const sh_pdf_meta *meta);
void sh_pdf_free(sh_pdf **pdf);
/* Append a page. SH_EINVAL (image or hOCR unusable; the message says which),
 * SH_ELIMIT. On error the document is unchanged. */
int sh_pdf_add_page(sh_pdf *pdf, const sh_pdf_page *page);
size_t sh_pdf_pages(const sh_pdf *pdf);
/* How the last page added keeps its image: "DCT", "CCITTFax", "Flate+PNG
 * predictor" (stored bytes), or "Flate (decoded)". Static storage. */
const char *sh_pdf_last_encoding(const sh_pdf *pdf);
/* A page of visible text (A4), e.g. the certification statement of a
 * certified copy: lines set top to bottom in a TrueType font embedded in the
 * file ($SOHOA_PDF_TEXT_FONT, else SH_PDF_TEXT_FONT_PATH), wrapped at spaces
 * within the margins. lines borrowed for the call. SH_EINVAL (not UTF-8, a
 * character the font lacks), SH_ELIMIT (does not fit on one page),
 * SH_ENOTFOUND (no font file). */
#define SH_PDF_TEXT_FONT_PATH "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
typedef struct sh_pdf_line {
	const char *text;   /* UTF-8 */
	double size;        /* points; 0: 12 */
	int bold;           /* drawn heavier (fill and stroke) */
	int align;          /* 0 left, 1 centred, 2 right */
	double gap_before;  /* points of space above */
} sh_pdf_line;
int sh_pdf_add_text_page(sh_pdf *pdf, const sh_pdf_line *lines, size_t n);

/* The finished file. *out: caller sh_free. SH_EINVAL with no page. */
int sh_pdf_write_mem(sh_pdf *pdf, uint8_t **out, size_t *out_len);
/* The same written atomically to path (temp + fsync + rename). */
int sh_pdf_write(sh_pdf *pdf, const char *path);

/* ---- signing (sign.c): PAdES baseline B-B -------------------------------
 * /Type/Sig /Filter/Adobe.PPKLite /SubFilter/ETSI.CAdES.detached over the
 * ByteRange (every byte but the signature itself); a detached CMS made by
 * GnuTLS with SHA-256, signed attributes content-type, message-digest and
 * ESS signing-certificate-v2, no CMS signing-time (the claimed time is the
 * dictionary's /M), the signer's certificate and chain included. Keys: RSA
 * (PKCS#1 v1.5 or PSS, as the key says) >= 2048 bits or ECDSA >= 256 bits
 * (Thông tư 15/2025/TT-BKHCN). */
typedef struct sh_pdf_signer sh_pdf_signer;

/* key: a PKCS#11 URI ("pkcs11:token=...;object=...", the module found by
 * p11-kit) or the path of a PKCS#12 file. pin: the token PIN or the file's
 * password (may be NULL; one attempt only, so a wrong PIN cannot lock the
 * token). chain: a PEM file, the signer's certificate first then its
 * issuers (`sohoa certs add`); required for a token, replaces a PKCS#12
 * file's own when given. *out: release with sh_pdf_signer_free.
 * SH_ENOTFOUND (no such key or file), SH_EPERM (wrong PIN/password),
 * SH_EINVAL (weak key, certificate not the key's, unreadable file). */
int sh_pdf_signer_open(sh_pdf_signer **out, const char *key, const char *pin, const char *chain);
void sh_pdf_signer_free(sh_pdf_signer **signer);
/* Sign the document when it is written. signer borrowed until then; name
 * and reason (UTF-8, may be NULL) go into the signature dictionary. */
int sh_pdf_set_signer(sh_pdf *pdf, const sh_pdf_signer *signer, const char *name,
		      const char *reason);

/* Add an RFC 3161 time-stamp token from the TSA at url (http or https)
 * over the signature value, as the unsigned attribute
 * signature-time-stamp (1.2.840.113549.1.9.16.2.14): PAdES baseline B-T.
 * The response is checked (status granted, the token's message imprint is
 * the signature's SHA-256, the nonce is ours, the token's own signature
 * verifies with the certificate it carries, which must be for time
 * stamping). url borrowed until the file is written. The TSA is asked when
 * the file is written: SH_EIO (no answer), SH_EBADSIG (a wrong token). */
int sh_pdf_set_tsa(sh_pdf *pdf, const char *url);

/* `sohoa certs add`: check a PEM chain (signer first, each issued by the
 * next, all valid now, the first allowed to sign documents) and write it
 * to dest atomically. subject (may be NULL): the signer's DN. */
int sh_pdf_certs_add(const char *chain, const char *dest, char *subject, size_t subject_len);

/* ---- from the warehouse (export.c: the one place pdf/ reads the store) ---- */

typedef struct sh_pdf_export_opts {
	int64_t now;           /* creation date (0: now) */
	const char *user;      /* operator recorded in the read audit (may be NULL) */
	const char *command;   /* command recorded there; NULL: "export-pdf" */
	int audited;           /* the caller recorded the reads already (a bag: once for all) */
	const sh_pdf_signer *signer; /* sign the file (may be NULL) */
	const char *sig_name, *sig_reason;
	const char *tsa_url;   /* with signer: an RFC 3161 time-stamp from this TSA (PAdES B-T) */
	/* A certified copy (chứng thực bản sao từ bản chính): a last page with
	 * the certification statement, numbered by sh_wh_certify (a signed log
	 * event made with log_key; SH_WH_PERM_CERTIFY) in the same transaction
	 * that gives the number; signer required. cert (may be NULL) receives
	 * the record. */
	const sh_wh_cert_in *certify;
	const sh_sign_key *log_key;
	sh_wh_cert *cert;
	/* sh_pdf_export_bag: progress (may be NULL) in parts done of parts in
	 * all, one per paper's bundle and one for the PDF */
	sh_progress_fn progress;
	void *progress_arg;
} sh_pdf_export_opts;

/* Write the papers of code — a paper, a result, or a dossier (its papers
 * then its results, in order) — to path as one PDF/A-1b file: pages at
 * their own resolution, text layer from the stored hOCR (the stored text
 * without positions when a page has none: still searchable, not placed).
 * Metadata: code, kind, agency, procedure, received date; never the owner.
 * Every paper read is recorded in the read audit (sh_wh_audit_reads)
 * before the file is written. opts may be NULL. *out_pages (may be NULL):
 * pages written. Nothing is written on error. */
int sh_pdf_export(sh_store *store, const char *code, const char *path,
		  const sh_pdf_export_opts *opts, size_t *out_pages);

/* A BagIt (RFC 8493, version 1.0) transfer bag of a dossier or a paper in
 * dir (which must not exist: SH_EEXISTS): data/<paper>/ holds each paper's
 * proof bundle (sh_ledger_export_proof: page images, texts, signed
 * manifest, checkpoint, inclusion proof, public keys, README) and its
 * page-N.hocr; data/<code>.pdf the PDF/A (unsigned). Tag files: bagit.txt,
 * bag-info.txt (Source-Organization = the agency, Bagging-Date,
 * External-Identifier = code, Payload-Oxum), manifest-sha256.txt and
 * tagmanifest-sha256.txt. Built in dir.tmp-<pid> and renamed: nothing is
 * left on error. *out_papers (may be NULL): papers in the bag. */
int sh_pdf_export_bag(sh_store *store, const char *code, const char *dir,
		      const sh_pdf_export_opts *opts, size_t *out_papers);
/* The same for a selection (sh_wh_select: an owner's papers, or the
 * dossiers received from..to), each paper's PDF/A in its own folder. Every
 * paper folder also holds paper.json (its dossier, procedure, receipt and
 * pages' formats: descriptive, for an importer). */
int sh_pdf_export_bag_select(sh_store *store, const char *owner, const char *from,
			     const char *to, const char *dir, const sh_pdf_export_opts *opts,
			     size_t *out_papers);

/* ---- reading bags (bagread.c) ------------------------------------------ */

/* Called once per problem found, with a message for people. */
typedef void (*sh_pdf_report_fn)(void *arg, const char *problem);

/* Every check bagit-python's validate() makes: bagit.txt (exactly
 * BagIt-Version 1.0 or 0.97 and Tag-File-Character-Encoding UTF-8), data/,
 * manifest-sha256.txt (required; other algorithms and fetch.txt are
 * refused), no unsafe path (absolute, "..", control characters, a payload
 * path outside data/, symbolic links or special files on disk), every
 * payload file listed and every listed file there, every SHA-256 of the
 * manifest and of tagmanifest-sha256.txt, Payload-Oxum. Each problem is
 * reported; SH_OK or SH_EBADSIG. */
int sh_pdf_bag_validate(const char *dir, sh_pdf_report_fn report, void *arg,
			size_t *out_problems);

/* `import-bag`: validate dir as above, then verify every paper's proof
 * bundle (data/<code>/: checkpoint, manifest, inclusion proof, pages)
 * against trusted keys only — the importer's registered keys and the
 * public key files trust_files (`--trust-key`), never the bag's own key
 * files — and file them with sh_wh_import (key signs here), the source
 * office being bag-info's Source-Organization. Nothing is stored unless
 * everything passes. SH_EBADSIG (the bag or a paper fails), SH_EINVAL,
 * SH_EEXISTS (a code here with other content), SH_EPERM. */
int sh_pdf_import_bag(sh_store *store, const sh_sign_key *key, const char *dir,
		      const char *const *trust_files, size_t ntrust_files, sh_pdf_report_fn report,
		      void *arg, sh_wh_import_stats *out);

#ifdef __cplusplus
}
#endif
#endif
