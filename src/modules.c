#include "modules.h"

extern const struct module auth_module, org_module, audit_module, demo_module, todo_module;

const struct module *const jw_modules[] = {
    &auth_module, &org_module, &audit_module, &demo_module, &todo_module,
};

const size_t jw_module_count = sizeof jw_modules / sizeof jw_modules[0];
