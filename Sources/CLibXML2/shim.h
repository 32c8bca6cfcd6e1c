#ifndef STORYLINE_CLIBXML2_SHIM_H
#define STORYLINE_CLIBXML2_SHIM_H

// libxml2's HTML parser and the tree it builds: all that HTMLDocument.swift reads a page with.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#endif
