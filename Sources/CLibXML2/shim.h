// The only place isconf includes libxml2. The parser hooks below record byte offsets and
// capture errors per parse, so the XML core never has to hand C callbacks across from Swift.
#ifndef ISCONF_LIBXML2_SHIM_H
#define ISCONF_LIBXML2_SHIM_H

#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, and its encoding.h then includes ICU's headers, which clash with
// the ICU copy inside Foundation ("'UErrorCode' has different definitions in different modules")
// whenever both reach one compilation. Without the macro, only the tail of xmlCharEncodingHandler
// (two ICU converter pointers) is left out of the declarations; isconf never touches that struct's
// fields, so nothing it uses changes layout.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// Per-parse state, hung on ctxt->_private.
typedef struct {
    int sawDoctype;
    int sawNestedInput;
    int hasError;
    int errorLine;
    int errorColumn;
    int errorCode;
} isconf_parse_state;

static inline isconf_parse_state *isconf_state(void *ctx) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    return (isconf_parse_state *)ctxt->_private;
}

/// Keeps only the first error: the one that names the real problem. Its code and position only:
/// libxml2's message text quotes bytes of the document, which may be a password's.
static inline void isconf_structured_error(void *userData, xmlErrorPtr error) {
    if (userData == NULL || error == NULL) return;
    isconf_parse_state *state = isconf_state(userData);
    if (state == NULL || state->hasError) return;
    if (error->level == XML_ERR_WARNING) return;
    state->hasError = 1;
    state->errorLine = error->line;
    state->errorColumn = error->int2;
    state->errorCode = error->code;
}

static inline void isconf_reject_subset(void *ctx, const xmlChar *name,
                                        const xmlChar *externalID, const xmlChar *systemID) {
    (void)name; (void)externalID; (void)systemID;
    isconf_parse_state *state = isconf_state(ctx);
    if (state != NULL) state->sawDoctype = 1;
    xmlStopParser((xmlParserCtxtPtr)ctx);
}

/// The offset in the original bytes of what the parser reads next. xmlByteConsumed is exact when
/// there is no encoder (UTF-8), but with one it re-encodes at most 32000 bytes of the unparsed
/// buffer (the built-in encoders report a full output buffer as success), so once more than that
/// is buffered (ISO-8859-1 files over ~32 KB) its offsets run ahead and can land on another tag.
/// The encoders isconf lets through (ISO-8859-1, US-ASCII) map one byte to one character: count the
/// characters still unparsed instead.
static inline long isconf_byte_consumed(xmlParserCtxtPtr ctxt) {
    xmlParserInputPtr in = ctxt->input;
    if (in == NULL || in->buf == NULL || in->buf->encoder == NULL) return xmlByteConsumed(ctxt);
    unsigned long unparsed = 0;
    for (const xmlChar *p = in->cur; p < in->end; p++)
        if ((*p & 0xC0) != 0x80) unparsed++;
    if (in->buf->rawconsumed < unparsed) return -1;
    return (long)(in->buf->rawconsumed - unparsed);
}

/// Offsets are stored +1 so that 0 means "not recorded".
static inline void isconf_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                                        const xmlChar *URI, int nb_namespaces,
                                        const xmlChar **namespaces, int nb_attributes,
                                        int nb_defaulted, const xmlChar **attributes) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    long consumed = isconf_byte_consumed(ctxt);
    if (ctxt->inputNr != 1) {
        isconf_parse_state *state = isconf_state(ctx);
        if (state != NULL) state->sawNestedInput = 1;
    }
    xmlSAX2StartElementNs(ctx, localname, prefix, URI, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
    if (ctxt->node != NULL && consumed >= 0) ctxt->node->_private = (void *)(intptr_t)(consumed + 1);
}

static inline void isconf_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                                      const xmlChar *URI) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    long consumed = isconf_byte_consumed(ctxt);
    if (ctxt->node != NULL && consumed >= 0) ctxt->node->psvi = (void *)(intptr_t)(consumed + 1);
    xmlSAX2EndElementNs(ctx, localname, prefix, URI);
}

static inline void isconf_comment(void *ctx, const xmlChar *value) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    long consumed = isconf_byte_consumed(ctxt);
    xmlSAX2Comment(ctx, value);
    xmlNodePtr added = NULL;
    if (ctxt->node != NULL) added = ctxt->node->last;
    else if (ctxt->myDoc != NULL) added = ctxt->myDoc->last;
    if (added != NULL && added->type == XML_COMMENT_NODE && consumed >= 0)
        added->_private = (void *)(intptr_t)(consumed + 1);
}

/// A parser context wired with the hooks above. Free it with isconf_free_context.
static inline xmlParserCtxtPtr isconf_new_context(void) {
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) return NULL;
    isconf_parse_state *state = (isconf_parse_state *)calloc(1, sizeof(isconf_parse_state));
    if (state == NULL) { xmlFreeParserCtxt(ctxt); return NULL; }
    ctxt->_private = state;
    ctxt->sax->serror = isconf_structured_error;
    ctxt->sax->internalSubset = isconf_reject_subset;
    ctxt->sax->externalSubset = isconf_reject_subset;
    ctxt->sax->startElementNs = isconf_start_element;
    ctxt->sax->endElementNs = isconf_end_element;
    ctxt->sax->comment = isconf_comment;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    return ctxt;
}

static inline isconf_parse_state *isconf_context_state(xmlParserCtxtPtr ctxt) {
    return (isconf_parse_state *)ctxt->_private;
}

static inline void isconf_free_context(xmlParserCtxtPtr ctxt) {
    if (ctxt == NULL) return;
    free(ctxt->_private);
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
}

static inline long isconf_node_start(xmlNodePtr node) { return (long)(intptr_t)node->_private - 1; }
static inline long isconf_node_end(xmlNodePtr node) { return (long)(intptr_t)node->psvi - 1; }

/// Swift 6 cannot call the global xmlFree function pointer directly.
static inline void isconf_xml_free(void *pointer) { xmlFree(pointer); }

/// The options DOMAIN.md §6 calls safe: no network, no entity substitution, no DTD loading,
/// nothing printed.
static inline int isconf_safe_options(void) {
    return XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
}

#endif
