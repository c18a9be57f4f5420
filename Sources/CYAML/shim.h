// The system libyaml (Debian: libyaml-dev, pkg-config yaml-0.1), wrapped once here and used only
// by YAMLBridge. Nothing outside YAMLBridge may import this module.
#ifndef GORB_CYAML_SHIM_H
#define GORB_CYAML_SHIM_H
#include <yaml.h>
#endif
