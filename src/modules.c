#include "modules.h"

extern const struct module auth_module, org_module, audit_module, demo_module, todo_module;
extern const struct module numbering_module, files_module, library_module;
extern const struct module docs_module;
extern const struct module workflow_module;
extern const struct module exports_module;
extern const struct module search_module;
extern const struct module tasks_module;

const struct module *const jw_modules[] = {
    &exports_module, /* first: its literal routes (/users/export, ...) win over {id} patterns */
    &auth_module, &org_module, &audit_module, &demo_module, &todo_module,
    &numbering_module, &files_module, &library_module,
    &docs_module,
    &workflow_module,
    &search_module,
    &tasks_module,
};

const size_t jw_module_count = sizeof jw_modules / sizeof jw_modules[0];
