// pdf/writer.cpp — the PDF objects, written with qpdf (docs/PDF.md "Why qpdf").
// Page images go in as the encoded bytes they are (replaceStreamData with
// their filter), and the writer is told not to decode anything
// (qpdf_dl_none), so DCT, CCITTFax and PNG-predicted Flate data reach the
// file byte for byte; only the streams made here (content, font maps, CMap)
// are compressed. PDF 1.4, classic xref, no object streams: PDF/A-1.
#define POINTERHOLDER_TRANSITION 4 // std::shared_ptr only (qpdf 11)
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>

#include "pdf_int.h"
#include "sh_common.h"

struct pdfw {
	QPDF pdf;
	QPDFObjectHandle font;
	QPDFObjectHandle intent;
	size_t pages = 0;
};

namespace {

typedef QPDFObjectHandle OH;

OH name(const char *n) { return OH::newName(n); }

OH stream(QPDF &pdf, std::string data, OH filter = OH::newNull(),
	  OH parms = OH::newNull())
{
	OH s = OH::newStream(&pdf);
	s.replaceStreamData(data, filter, parms);
	return s;
}

const char tounicode[] =
	"/CIDInit /ProcSet findresource begin\n"
	"12 dict begin\n"
	"begincmap\n"
	"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	"/CMapName /Adobe-Identity-UCS def\n"
	"/CMapType 2 def\n"
	"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
	"1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
	"endcmap\n"
	"CMapName currentdict /CMap defineresource pop\n"
	"end\nend\n";

// Tesseract's GlyphLessFont: one glyph (GID 1), 500/1000 em wide; every
// code (a UTF-16 unit, Identity-H) maps to it and back to itself.
OH make_font(QPDF &pdf, const uint8_t *font, size_t font_len)
{
	std::string file(reinterpret_cast<const char *>(font), font_len);
	OH ff = stream(pdf, file);
	ff.getDict().replaceKey("/Length1", OH::newInteger((long long)font_len));
	std::string map;
	map.reserve(131072);
	for (int i = 0; i < 65536; i++) {
		map.push_back('\0');
		map.push_back('\1');
	}
	OH desc = pdf.makeIndirectObject(OH::parse(
		"<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5"
		" /FontBBox [0 0 500 1000] /ItalicAngle 0 /Ascent 1000 /Descent 0"
		" /CapHeight 1000 /StemV 80 >>"));
	desc.replaceKey("/FontFile2", ff);
	OH cid = pdf.makeIndirectObject(OH::parse(
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont"
		" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
		" /DW 500 >>"));
	cid.replaceKey("/FontDescriptor", desc);
	cid.replaceKey("/CIDToGIDMap", stream(pdf, map));
	OH t0 = pdf.makeIndirectObject(OH::parse(
		"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H >>"));
	OH desc_array = OH::newArray();
	desc_array.appendItem(cid);
	t0.replaceKey("/DescendantFonts", desc_array);
	t0.replaceKey("/ToUnicode", stream(pdf, tounicode));
	return t0;
}

OH make_image(QPDF &pdf, const pdf_img *img)
{
	std::string data(reinterpret_cast<const char *>(img->data), img->len);
	OH filter = OH::newNull(), parms = OH::newNull();
	switch (img->filter) {
	case PDF_DCT:
		filter = name("/DCTDecode");
		break;
	case PDF_CCITT:
		filter = name("/CCITTFaxDecode");
		parms = OH::newDictionary();
		parms.replaceKey("/K", OH::newInteger(-1));
		parms.replaceKey("/Columns", OH::newInteger(img->width));
		parms.replaceKey("/Rows", OH::newInteger(img->height));
		break;
	case PDF_FLATE_PNG:
		filter = name("/FlateDecode");
		parms = OH::newDictionary();
		parms.replaceKey("/Predictor", OH::newInteger(15));
		parms.replaceKey("/Colors", OH::newInteger(img->npalette ? 1 : img->colors));
		parms.replaceKey("/BitsPerComponent", OH::newInteger(img->bpc));
		parms.replaceKey("/Columns", OH::newInteger(img->width));
		break;
	default:
		break;
	}
	OH s = stream(pdf, data, filter, parms);
	OH d = s.getDict();
	d.replaceKey("/Type", name("/XObject"));
	d.replaceKey("/Subtype", name("/Image"));
	d.replaceKey("/Width", OH::newInteger(img->width));
	d.replaceKey("/Height", OH::newInteger(img->height));
	d.replaceKey("/BitsPerComponent", OH::newInteger(img->bpc));
	if (img->npalette > 0) {
		OH cs = OH::newArray();
		cs.appendItem(name("/Indexed"));
		cs.appendItem(name("/DeviceRGB"));
		cs.appendItem(OH::newInteger(img->npalette - 1));
		cs.appendItem(OH::newString(std::string(
			reinterpret_cast<const char *>(img->palette), (size_t)img->npalette * 3)));
		d.replaceKey("/ColorSpace", cs);
	} else {
		d.replaceKey("/ColorSpace", name(img->colors == 3 ? "/DeviceRGB" : "/DeviceGray"));
	}
	if (img->invert)
		d.replaceKey("/Decode", OH::parse("[1 0]"));
	return s;
}

int fail(const std::exception &e)
{
	if (dynamic_cast<const std::bad_alloc *>(&e))
		return sh_error_set(SH_ENOMEM, "out of memory writing the PDF");
	return sh_error_set(SH_ERROR, "qpdf: %s", e.what());
}

std::string num(double v)
{
	char b[32];
	snprintf(b, sizeof b, "%.3f", v);
	return b;
}

} // namespace

extern "C" int pdfw_new(pdfw **out, const uint8_t *icc, size_t icc_len, const uint8_t *font,
			size_t font_len)
{
	*out = nullptr;
	pdfw *w = nullptr;
	try {
		w = new pdfw;
		w->pdf.emptyPDF();
		w->font = make_font(w->pdf, font, font_len);
		OH prof = stream(w->pdf, std::string(reinterpret_cast<const char *>(icc), icc_len));
		prof.getDict().replaceKey("/N", OH::newInteger(3));
		w->intent = OH::parse("<< /Type /OutputIntent /S /GTS_PDFA1"
				      " /OutputConditionIdentifier (sRGB IEC61966-2.1)"
				      " /RegistryName (http://www.color.org)"
				      " /Info (sRGB IEC61966-2.1) >>");
		w->intent.replaceKey("/DestOutputProfile", prof);
		*out = w;
		return SH_OK;
	} catch (const std::exception &e) {
		delete w;
		return fail(e);
	}
}

extern "C" void pdfw_free(pdfw **w)
{
	if (w && *w) {
		delete *w;
		*w = nullptr;
	}
}

extern "C" int pdfw_add_page(pdfw *w, const pdf_img *img, double wpt, double hpt, int rotate,
			     const char *content, size_t content_len)
{
	try {
		QPDF &pdf = w->pdf;
		OH im = make_image(pdf, img);
		std::string c = "q " + num(wpt) + " 0 0 " + num(hpt) + " 0 0 cm /Im0 Do Q\n";
		c.append(content, content_len);
		OH page = OH::newDictionary();
		page.replaceKey("/Type", name("/Page"));
		OH box = OH::newArray();
		box.appendItem(OH::newInteger(0));
		box.appendItem(OH::newInteger(0));
		box.appendItem(OH::newReal(num(wpt)));
		box.appendItem(OH::newReal(num(hpt)));
		page.replaceKey("/MediaBox", box);
		if (rotate)
			page.replaceKey("/Rotate", OH::newInteger(rotate));
		OH res = OH::newDictionary();
		OH xo = OH::newDictionary();
		xo.replaceKey("/Im0", im);
		res.replaceKey("/XObject", xo);
		OH fonts = OH::newDictionary();
		fonts.replaceKey("/F1", w->font);
		res.replaceKey("/Font", fonts);
		page.replaceKey("/Resources", res);
		page.replaceKey("/Contents", stream(pdf, c));
		QPDFPageDocumentHelper(pdf).addPage(QPDFPageObjectHelper(pdf.makeIndirectObject(page)),
						    false);
		w->pages++;
		return SH_OK;
	} catch (const std::exception &e) {
		return fail(e);
	}
}

extern "C" int pdfw_add_text_page(pdfw *w, double wpt, double hpt, const char *content,
				  size_t content_len, const pdfw_font *f)
{
	try {
		QPDF &pdf = w->pdf;
		OH ff = stream(pdf, std::string(reinterpret_cast<const char *>(f->file), f->file_len));
		ff.getDict().replaceKey("/Length1", OH::newInteger((long long)f->file_len));
		std::string fname = std::string("/") + f->name;
		OH desc = pdf.makeIndirectObject(OH::newDictionary());
		desc.replaceKey("/Type", name("/FontDescriptor"));
		desc.replaceKey("/FontName", name(fname.c_str()));
		desc.replaceKey("/Flags", OH::newInteger(34)); // serif, nonsymbolic
		OH bbox = OH::newArray();
		for (int i = 0; i < 4; i++)
			bbox.appendItem(OH::newReal(num(f->bbox[i])));
		desc.replaceKey("/FontBBox", bbox);
		desc.replaceKey("/ItalicAngle", OH::newInteger(0));
		desc.replaceKey("/Ascent", OH::newReal(num(f->ascent)));
		desc.replaceKey("/Descent", OH::newReal(num(f->descent)));
		desc.replaceKey("/CapHeight", OH::newReal(num(f->cap_height)));
		desc.replaceKey("/StemV", OH::newInteger(80));
		desc.replaceKey("/FontFile2", ff);
		if (f->cidset)
			desc.replaceKey("/CIDSet", stream(pdf, std::string(reinterpret_cast<const char *>(f->cidset), f->cidset_len)));
		OH cid = pdf.makeIndirectObject(OH::parse(
			"<< /Type /Font /Subtype /CIDFontType2"
			" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
			" /CIDToGIDMap /Identity >>"));
		cid.replaceKey("/BaseFont", name(fname.c_str()));
		cid.replaceKey("/FontDescriptor", desc);
		cid.replaceKey("/W", OH::parse(std::string(f->widths, f->widths_len)));
		OH t0 = pdf.makeIndirectObject(OH::parse("<< /Type /Font /Subtype /Type0 /Encoding /Identity-H >>"));
		t0.replaceKey("/BaseFont", name(fname.c_str()));
		OH desc_array = OH::newArray();
		desc_array.appendItem(cid);
		t0.replaceKey("/DescendantFonts", desc_array);
		t0.replaceKey("/ToUnicode", stream(pdf, std::string(f->tounicode, f->tounicode_len)));
		OH page = OH::newDictionary();
		page.replaceKey("/Type", name("/Page"));
		OH box = OH::newArray();
		box.appendItem(OH::newInteger(0));
		box.appendItem(OH::newInteger(0));
		box.appendItem(OH::newReal(num(wpt)));
		box.appendItem(OH::newReal(num(hpt)));
		page.replaceKey("/MediaBox", box);
		OH res = OH::newDictionary();
		OH fonts = OH::newDictionary();
		fonts.replaceKey("/F1", t0);
		res.replaceKey("/Font", fonts);
		page.replaceKey("/Resources", res);
		page.replaceKey("/Contents", stream(pdf, std::string(content, content_len)));
		QPDFPageDocumentHelper(pdf).addPage(QPDFPageObjectHelper(pdf.makeIndirectObject(page)),
						    false);
		w->pages++;
		return SH_OK;
	} catch (const std::exception &e) {
		return fail(e);
	}
}

extern "C" int pdfw_write(pdfw *w, const pdfw_info *in, uint8_t **out, size_t *out_len)
{
	*out = nullptr;
	*out_len = 0;
	if (w->pages == 0)
		return sh_error_set(SH_EINVAL, "a PDF needs at least one page");
	try {
		QPDF &pdf = w->pdf;
		OH info = OH::newDictionary();
		struct {
			const char *key, *val;
		} items[] = {{"/Title", in->title},	  {"/Author", in->author},
			     {"/Subject", in->subject},	  {"/Keywords", in->keywords},
			     {"/Creator", in->creator},	  {"/Producer", in->producer},
			     {"/CreationDate", in->pdf_date}, {"/ModDate", in->pdf_date}};
		for (auto &it : items)
			if (it.val && *it.val)
				info.replaceKey(it.key, OH::newUnicodeString(it.val));
		pdf.getTrailer().replaceKey("/Info", pdf.makeIndirectObject(info));
		OH root = pdf.getRoot();
		OH meta = stream(pdf, in->xmp);
		meta.getDict().replaceKey("/Type", name("/Metadata"));
		meta.getDict().replaceKey("/Subtype", name("/XML"));
		root.replaceKey("/Metadata", meta);
		OH intents = OH::newArray();
		intents.appendItem(pdf.makeIndirectObject(w->intent));
		root.replaceKey("/OutputIntents", intents);
		root.replaceKey("/PageMode", name("/UseNone"));
		if (in->sig_space) {
			// PAdES B-B: an invisible signature field on the first page
			OH sig = OH::parse("<< /Type /Sig /Filter /Adobe.PPKLite"
					   " /SubFilter /ETSI.CAdES.detached >>");
			OH br = OH::newArray();
			br.appendItem(OH::newInteger(0));
			for (int i = 0; i < 3; i++)
				br.appendItem(OH::newInteger(PDFW_BYTERANGE_PLACEHOLDER));
			sig.replaceKey("/ByteRange", br);
			sig.replaceKey("/Contents", OH::newString(std::string(in->sig_space, '\0')));
			sig.replaceKey("/M", OH::newString(in->pdf_date));
			if (in->sig_name)
				sig.replaceKey("/Name", OH::newUnicodeString(in->sig_name));
			if (in->sig_reason)
				sig.replaceKey("/Reason", OH::newUnicodeString(in->sig_reason));
			sig = pdf.makeIndirectObject(sig);
			OH page1 = QPDFPageDocumentHelper(pdf).getAllPages().at(0).getObjectHandle();
			OH field = pdf.makeIndirectObject(OH::parse(
				"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1)"
				" /Rect [0 0 0 0] /F 132 >>"));
			field.replaceKey("/V", sig);
			// PDF/A-1 wants an appearance for every widget, even an empty one
			OH ap = stream(pdf, "");
			ap.getDict().replaceKey("/Type", name("/XObject"));
			ap.getDict().replaceKey("/Subtype", name("/Form"));
			ap.getDict().replaceKey("/BBox", OH::parse("[0 0 0 0]"));
			OH apd = OH::newDictionary();
			apd.replaceKey("/N", ap);
			field.replaceKey("/AP", apd);
			field.replaceKey("/P", page1);
			OH annots = OH::newArray();
			annots.appendItem(field);
			page1.replaceKey("/Annots", annots);
			OH fields = OH::newArray();
			fields.appendItem(field);
			OH form = OH::parse("<< /SigFlags 3 >>");
			form.replaceKey("/Fields", fields);
			root.replaceKey("/AcroForm", form);
		}

		QPDFWriter qw(pdf);
		qw.setOutputMemory();
		qw.setObjectStreamMode(qpdf_o_disable);
		qw.setDecodeLevel(qpdf_dl_none);
		qw.setCompressStreams(true);
		qw.forcePDFVersion("1.4");
		qw.setDeterministicID(true);
		qw.setNewlineBeforeEndstream(true);
		qw.write();
		std::shared_ptr<Buffer> b = qw.getBufferSharedPointer();
		uint8_t *p = static_cast<uint8_t *>(sh_malloc(b->getSize() ? b->getSize() : 1));
		if (!p)
			return SH_ENOMEM;
		memcpy(p, b->getBuffer(), b->getSize());
		*out = p;
		*out_len = b->getSize();
		return SH_OK;
	} catch (const std::exception &e) {
		return fail(e);
	}
}
