// Exposes epoll and accept4 to Swift: Glibc's Swift module map includes neither.
#ifndef CEVENTPOLL_H
#define CEVENTPOLL_H
#if defined(__linux__)
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>

// Declared here rather than via _GNU_SOURCE, which would change system struct layouts and
// clash with the modules Dispatch imports.
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC: one syscall instead of accept + two fcntl.
static inline int cevent_accept_nonblocking(int listener) {
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
#endif
#endif
