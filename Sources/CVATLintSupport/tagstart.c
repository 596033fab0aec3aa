#define _GNU_SOURCE
#include "CVATLintSupport.h"
#include <string.h>

long cvatlint_find_tag_start(const unsigned char *base, const unsigned char *cursor,
                             size_t *newlines, size_t *characters) {
    const unsigned char *open = memrchr(base, '<', (size_t)(cursor - base));
    if (open == NULL) return -1;
    size_t lines = 0, continuations = 0;
    // Plain loops over a short run: the compiler vectorises both counts.
    for (const unsigned char *byte = open; byte < cursor; byte++) {
        lines += *byte == '\n';
        continuations += (*byte & 0xC0) == 0x80;
    }
    *newlines = lines;
    *characters = (size_t)(cursor - open) - 1 - continuations;
    return (long)(open - base);
}
