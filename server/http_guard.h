/* Per-connection deadlines for receiving a request, which libmicrohttpd
 * 0.9.75 lacks: its only timeout is for silence, so a client trickling one
 * header byte every few seconds held a connection (and, thread per
 * connection, a thread) for as long as it liked (issue 13, slowloris).
 *
 * A connection is IDLE between requests (MHD's idle timeout governs it);
 * the kernel's TCP_INFO (bytes received on a new connection, the time of
 * the last data after a request), read by the watchdog, shows when the next
 * request starts arriving: from then the headers must be complete within
 * header_ms (HEAD), and the body within body_ms of the headers (BODY).
 * While a handler runs (HANDLING) no deadline applies: handlers bound their
 * own time. A watchdog thread checks every GUARD_TICK_MS; a late request
 * gets a 408 JSON error and the connection is shut down, which ends MHD's
 * read and makes it close the connection the usual way. The per-address
 * connection cap is MHD's own (MHD_OPTION_PER_IP_CONNECTION_LIMIT). */
#ifndef GOFN_SERVER_HTTP_GUARD_H
#define GOFN_SERVER_HTTP_GUARD_H

#include <microhttpd.h>
#include <stdint.h>

typedef struct gofn_guard gofn_guard;

gofn_guard *gofn_guard_start(int64_t header_ms, int64_t body_ms);
void gofn_guard_stop(gofn_guard *g);

/* MHD_OPTION_NOTIFY_CONNECTION's callback; cls is the guard. */
void gofn_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		       enum MHD_ConnectionNotificationCode code);

/* The request's headers are in: its body's deadline starts. */
void gofn_guard_headers_done(gofn_guard *g, struct MHD_Connection *c);
/* The whole request is in and a handler runs: no deadline. */
void gofn_guard_handling(gofn_guard *g, struct MHD_Connection *c);
/* The answer went out: the connection waits for its next request. */
void gofn_guard_request_done(gofn_guard *g, struct MHD_Connection *c);

#endif
