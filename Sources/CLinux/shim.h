// Linux interfaces Swift's Glibc module leaves out (signalfd, thread names); used only by the daemon.
#pragma once
#include <sys/signalfd.h>
#include <pthread.h>

// pthread_setname_np is a GNU extension; Glibc's module does not declare it.
extern int pthread_setname_np(pthread_t thread, const char *name);
