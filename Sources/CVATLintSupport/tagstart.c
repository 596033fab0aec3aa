#define _GNU_SOURCE
#include "CVATLintSupport.h"
#include <stdint.h>
#include <string.h>

/* How many bytes of a UTF-8 run are continuation bytes (10xxxxxx), eight at a time. */
static size_t count_continuations(const unsigned char *bytes, size_t length) {
    size_t count = 0, index = 0;
    for (; index + 8 <= length; index += 8) {
        uint64_t word;
        memcpy(&word, bytes + index, 8);
        /* A byte's top bit set and the next bit clear: shift the clear bit up under the top one. */
        count += (size_t)__builtin_popcountll(word & ~(word << 1) & 0x8080808080808080ULL);
    }
    for (; index < length; index++) count += (bytes[index] & 0xC0) == 0x80;
    return count;
}

long cvatlint_find_tag_start(const unsigned char *base, const unsigned char *cursor,
                             size_t *newlines, size_t *characters) {
    const unsigned char *open = memrchr(base, '<', (size_t)(cursor - base));
    if (open == NULL) return -1;
    size_t length = (size_t)(cursor - open);
    /* A tag rarely spans lines: memchr skips ahead to each newline there is. */
    size_t lines = 0;
    for (const unsigned char *at = memchr(open, '\n', length); at != NULL;
         at = memchr(at + 1, '\n', (size_t)(cursor - at - 1))) {
        lines++;
    }
    *newlines = lines;
    *characters = length - 1 - count_continuations(open, length);
    return (long)(open - base);
}
