/**
 * graceful-shutdown: the request side of a drain. Once `fastify.lifecycle.shuttingDown` is set (by
 * the entry on SIGTERM/SIGINT, before `fastify.close()`), every answer carries `Connection: close`,
 * so a keep-alive client's socket is closed as soon as its in-flight request is answered: the
 * server's close then waits only for requests, never for idle keep-alive sockets a client holds
 * open (undici keeps them for up to the server's 72 s keep-alive hint), and the process exits well
 * within SHUTDOWN_TIMEOUT_MS. Requests already accepted are served to the end.
 */
import fp from 'fastify-plugin'

export default fp(async function gracefulShutdown (fastify) {
  fastify.addHook('onSend', function (_request, reply, payload, done) {
    if (fastify.lifecycle.shuttingDown) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'graceful-shutdown' })
