#ifndef CEMBEDDEDDATA_H
#define CEMBEDDEDDATA_H

/// One file compiled into the binary: its name (a vendor id for seeds, a spec name for specs) and its
/// bytes, which are not NUL-terminated as far as `count` is concerned.
typedef struct {
    const char *name;
    const char *bytes;
    unsigned long count;
} understudy_embedded_file;

/// Seeds/<name>.json, sorted by name; sets `*count`.
const understudy_embedded_file *understudy_embedded_seeds(unsigned long *count);
/// Specs/<name>.openapi.json, sorted by name; sets `*count`.
const understudy_embedded_file *understudy_embedded_specs(unsigned long *count);

#endif
