#ifndef CVATLINT_SUPPORT_H
#define CVATLINT_SUPPORT_H

/// Sends libxml2's generic (printf-style) error messages on the calling thread nowhere, instead of to
/// stderr. libxml2 keeps this channel per thread; Swift cannot define the variadic callback itself.
/// Everything cvat-lint reports comes through structured errors instead.
void cvatlint_silence_generic_errors(void);

#include <stddef.h>

/// Where the start tag that ends at `cursor` began: the offset of the last `<` in [base, cursor), or -1
/// when there is none. Also counts the newlines in [`<`, cursor) and the UTF-8 characters in (`<`, cursor).
/// In C for `memrchr`: it runs for every start tag of a file, and a byte loop in Swift cost several per cent.
long cvatlint_find_tag_start(const unsigned char *base, const unsigned char *cursor,
                             size_t *newlines, size_t *characters);

#endif
