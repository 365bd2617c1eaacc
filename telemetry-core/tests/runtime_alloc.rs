//! Recording into the local aggregator allocates nothing once an event has been
//! seen, and recording with telemetry off allocates nothing at all: a global
//! allocator counts the allocations of the recording thread while it records.

mod runtime_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use runtime_support::{Command, DEMO, Ping, SEEN_NOTICE, builder, finished};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread's allocations are counted; only the recording loop's are.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

/// How many allocations `work` makes on this thread.
fn allocations(work: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|counting| counting.set(true));
    work();
    COUNTING.with(|counting| counting.set(false));
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn recording_a_seen_event_or_recording_while_off_allocates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("telemetry-notice"), SEEN_NOTICE).expect("write");

    let (on, _) = builder(&DEMO, dir.path(), &[]);
    let telemetry = on.build();
    let events = [
        finished(Command::Build, true, 2),
        finished(Command::Test, false, 20),
    ];
    let ping = Ping {
        n: 7,
        ok: Some(true),
    };
    for event in &events {
        telemetry.record(event);
    }
    telemetry.record(&ping);
    let made = allocations(|| {
        for _ in 0..10_000 {
            for event in &events {
                telemetry.record(event);
            }
            telemetry.record(&ping);
        }
    });
    assert_eq!(made, 0, "recording seen events allocated");
    assert_eq!(telemetry.stats().recorded, 30_003);
    assert_eq!(telemetry.stats().pending, 3);
    drop(telemetry);

    let (off, _) = builder(&DEMO, dir.path(), &[("DO_NOT_TRACK", "1")]);
    let telemetry = off.build();
    let made = allocations(|| {
        for _ in 0..10_000 {
            telemetry.record(&events[0]);
        }
    });
    assert_eq!(made, 0, "recording while off allocated");
    telemetry.shutdown(Duration::from_millis(10));
}
