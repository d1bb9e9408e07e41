// Transparent huge pages for large, long-lived buffers.
#pragma once

#include <cstddef>

namespace strata {

// Advises the kernel to back the whole 2 MiB pages inside [data, data + size) with
// transparent huge pages: a buffer of tens of MiB then costs one page fault per 2 MiB
// instead of one per 4 KiB as it is first written (a tenth of a raw-reader backup's CPU
// time went to those faults). Advice only: where THP is off or no huge page is free,
// nothing changes. For buffers that are a mapping of their own (malloc gives those to
// large allocations), so that the advice concerns nothing else.
void AdviseHugePages(void* data, size_t size);

}  // namespace strata
