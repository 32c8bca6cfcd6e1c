#ifndef STORYLINE_CLIBXML2_SHIM_H
#define STORYLINE_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU, so its encoding.h includes the system's <unicode/ucnv.h>, whose
// UErrorCode clashes with the one Foundation's own ICU module defines: a clean build of any module that
// imports both fails. Storyline never touches libxml2's ICU converters (only the tail of
// xmlCharEncodingHandler, a struct Swift never reads, depends on it), so the ICU parts stay unseen.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

// libxml2's HTML parser and the tree it builds: all that HTMLDocument.swift reads a page with.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#endif
