//! Who answers which request: one thread per connection that has requests
//! waiting, so that a client that stops reading holds up only itself.
//!
//! tiny_http reads every connection on a thread of its own and puts the
//! requests it parses on one shared queue. Answers on one connection must go
//! out in order, so a request waits inside `respond` until the one before it
//! on the same connection is written. With a fixed pool of workers taking
//! from the shared queue, one client that pipelines requests and never reads
//! the answers ties up every worker (the first blocked writing, the others
//! waiting behind it) and the preview stops answering anyone. Here one
//! dispatcher hands each request to its connection's thread, in the order
//! they were parsed; the thread ends once its connection has been idle for
//! [`IDLE`].

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{Request, Server};

/// How long a connection's thread waits for the next request before it ends.
/// A browser sends the requests of one page within this, so one thread serves
/// them all; a later request starts a new thread.
const IDLE: Duration = Duration::from_secs(2);

/// The largest body a request may declare and still be answered. tiny_http
/// reads the rest of a body nobody read when it drops the request, and first
/// allocates a buffer of the whole declared length: a `Content-Length` of a
/// terabyte would abort the process. The preview takes no bodies at all.
const MAX_BODY: usize = 1 << 20;

/// Bodies declared up to this size over [`MAX_BODY`] are answered 413 (and
/// drained when the request is dropped); larger ones get no answer at all.
const MAX_REFUSED_BODY: usize = 8 << 20;

/// The connections with a thread, by the client's address (one per TCP connection).
type Threads = Arc<Mutex<HashMap<SocketAddr, Sender<Request>>>>;

/// Listens again where the server listened (see [`spawn`]).
pub(super) type Rebind = dyn Fn() -> std::io::Result<Server> + Send + Sync;

/// Starts the dispatcher: it takes requests from `server` until the server is
/// unblocked, and hands each to `handle` on its connection's thread.
///
/// tiny_http stops accepting for good at the first error of `accept` (most
/// often: out of file descriptors, when a burst of clients holds them all) and
/// closes the listener, or its thread dies with the listener (see [`watch`]).
/// Then `rebind` listens again, retried until it works, and a new dispatcher
/// takes over; the connections that were already open go on with their requests.
pub(super) fn spawn(
    server: Arc<Server>,
    rebind: Arc<Rebind>,
    handle: impl Fn(Request) + Send + Sync + 'static,
) -> JoinHandle<()> {
    run(server, rebind, Arc::new(handle), Threads::default(), Arc::default())
}

fn run<H: Fn(Request) + Send + Sync + 'static>(
    server: Arc<Server>,
    rebind: Arc<Rebind>,
    handle: Arc<H>,
    threads: Threads,
    failures: Arc<AtomicUsize>,
) -> JoinHandle<()> {
    let old_addr = server.server_addr().to_ip();
    let closed = Arc::new(AtomicBool::new(false));
    let (alive, watched) = channel::<()>();
    if let Some(addr) = old_addr {
        watch(server.clone(), addr, watched, closed.clone());
    }
    std::thread::Builder::new()
        .name("partnerbook-http".into())
        .spawn(move || {
            let _alive = alive;
            let why = loop {
                match server.recv() {
                    Ok(request) => dispatch(request, &threads, &handle),
                    Err(_) if closed.load(Ordering::Acquire) => break "its listener closed".to_string(),
                    // `unblock`: serve is stopping.
                    Err(e) if e.raw_os_error().is_none() => return,
                    Err(e) => break e.to_string(),
                }
            };
            // A burst can make this happen many times in a row: say so now and then.
            let times = failures.fetch_add(1, Ordering::Relaxed) + 1;
            if times.is_power_of_two() {
                eprintln!(
                    "warning: the server stopped accepting connections ({why}; {times} times so far); listening again"
                );
            }
            let server = loop {
                match rebind() {
                    Ok(server) => break server,
                    // Out of file descriptors still: wait for clients to leave.
                    Err(_) => std::thread::sleep(RETRY),
                }
            };
            if let Some(addr) = server.server_addr().to_ip() {
                let moved = if Some(addr) == old_addr { "" } else { " (another port)" };
                eprintln!("listening again at http://{addr}/{moved}");
            }
            // This thread ends; the connections it started go on with their requests.
            run(Arc::new(server), rebind, handle, threads, failures);
        })
        .expect("spawn the HTTP dispatcher")
}

/// How often [`watch`] checks that the server still listens.
const PROBE: Duration = Duration::from_secs(1);

/// Checks every [`PROBE`] that `server` still listens at `addr`, until
/// `watched` says its dispatcher has ended.
///
/// tiny_http's accepting thread can also die without a word: when `accept`
/// takes the last free file descriptor, the copy of the connection it makes
/// next fails and the thread panics (tiny_http 0.12 unwraps it), closing the
/// listener while `recv` waits for ever. A connection to `addr` that is
/// refused tells; then `closed` is set and the dispatcher unblocked, and it
/// listens again as after an error of `accept`.
fn watch(server: Arc<Server>, addr: SocketAddr, watched: Receiver<()>, closed: Arc<AtomicBool>) {
    let addr = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, addr.port())),
        ip if ip.is_unspecified() => SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port())),
        _ => addr,
    };
    let _ = std::thread::Builder::new().name("partnerbook-http-watch".into()).spawn(move || {
        while let Err(RecvTimeoutError::Timeout) = watched.recv_timeout(PROBE) {
            // Any other failure (out of file descriptors too) proves nothing: try again later.
            if let Err(e) = TcpStream::connect_timeout(&addr, PROBE)
                && e.kind() == std::io::ErrorKind::ConnectionRefused
            {
                closed.store(true, Ordering::Release);
                server.unblock();
                return;
            }
        }
    });
}

/// How long to wait before trying to listen again.
const RETRY: Duration = Duration::from_millis(100);

fn dispatch<H: Fn(Request) + Send + Sync + 'static>(request: Request, threads: &Threads, handle: &Arc<H>) {
    let Some(addr) = request.remote_addr().copied() else {
        // Only UNIX sockets have no address; serve never listens on one.
        return handle(request);
    };
    // The lock is held while sending, so a thread that finds its queue empty
    // under the same lock and leaves cannot miss a request.
    let mut map = threads.lock().unwrap_or_else(|e| e.into_inner());
    let request = match map.entry(addr) {
        Entry::Occupied(tx) => match tx.get().send(request) {
            Ok(()) => return,
            // The thread panicked; start another.
            Err(e) => e.0,
        },
        Entry::Vacant(_) => request,
    };
    let (tx, rx) = channel();
    let _ = tx.send(request);
    map.insert(addr, tx);
    let (threads, handle) = (threads.clone(), handle.clone());
    let spawned = std::thread::Builder::new().name(format!("partnerbook-conn-{addr}")).spawn(move || {
        connection(addr, &rx, &threads, &*handle);
    });
    if spawned.is_err() {
        // Out of threads: the request is dropped (tiny_http answers 500) and the next one tries again.
        map.remove(&addr);
    }
}

fn connection(addr: SocketAddr, rx: &Receiver<Request>, threads: &Threads, handle: &dyn Fn(Request)) {
    loop {
        let request = match rx.recv_timeout(IDLE) {
            Ok(request) => request,
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {
                let mut map = threads.lock().unwrap_or_else(|e| e.into_inner());
                match rx.try_recv() {
                    Ok(request) => request,
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => {
                        map.remove(&addr);
                        return;
                    }
                }
            }
        };
        if let Some(n) = request.body_length().filter(|n| *n > MAX_BODY) {
            if n <= MAX_REFUSED_BODY {
                // Small enough to drain when dropped: the client learns why (the edit API's limit).
                eprintln!(
                    "request refused: {} {}: 413 the body is over {MAX_BODY} bytes",
                    request.method(),
                    request.url()
                );
                let body = format!(
                    "{{\"error\":\"too-large\",\"message\":\"the request body is over {MAX_BODY} bytes\",\"hint\":null}}"
                );
                let _ = request.respond(tiny_http::Response::from_string(body).with_status_code(413));
                continue;
            }
            // Never dropped, so never read (see MAX_BODY): the client gets no answer and
            // this connection is given up; it is closed when the process ends.
            std::mem::forget(request);
            continue;
        }
        handle(request);
    }
}
