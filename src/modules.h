/*
 * modules.h - the list of modules the server runs. Adding a module is one line in modules.c.
 */
#ifndef JW_MODULES_H
#define JW_MODULES_H

#include "http/http.h"

extern const struct module *const jw_modules[];
extern const size_t jw_module_count;

#endif
