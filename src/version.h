#ifndef JW_VERSION_H
#define JW_VERSION_H
#define JW_VERSION "0.1.0"
#endif
