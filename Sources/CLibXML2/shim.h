#ifndef CVATLINT_CLIBXML2_SHIM_H
#define CVATLINT_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, and its encoding.h then includes the system's <unicode/*.h>,
   which clash with the ICU that Foundation bundles. We never touch xmlCharEncodingHandler's
   fields (the only place ICU types appear), so keep ICU out of this module. */
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>
#endif
