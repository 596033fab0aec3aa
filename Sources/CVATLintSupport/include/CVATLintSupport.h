#ifndef CVATLINT_SUPPORT_H
#define CVATLINT_SUPPORT_H

/// Sends libxml2's generic (printf-style) error messages on the calling thread nowhere, instead of to
/// stderr. libxml2 keeps this channel per thread; Swift cannot define the variadic callback itself.
/// Everything cvat-lint reports comes through structured errors instead.
void cvatlint_silence_generic_errors(void);

#endif
