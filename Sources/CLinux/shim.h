// Linux interfaces Swift's Glibc module leaves out: renameat2 for the writer, signalfd and thread
// names for the daemon.
#pragma once
#include <sys/signalfd.h>
#include <pthread.h>

// pthread_setname_np is a GNU extension; Glibc's module does not declare it.
extern int pthread_setname_np(pthread_t thread, const char *name);

// renameat2(2) (glibc 2.28+, behind _GNU_SOURCE): RENAME_EXCHANGE swaps two names atomically, which
// lets a writer look at exactly what it replaced.
extern int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);
#define ISCONF_RENAME_EXCHANGE (1 << 1)
