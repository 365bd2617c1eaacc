//! The documents generated from the manifest, one module per document: the data
//! dictionary for people (`TELEMETRY.md`, and `TELEMETRY.html` to publish) and for
//! tools (`TELEMETRY.json`), the JSON Schema of the records a program sends, the
//! telemetry changelog between two manifests, and the data review request. Each is a
//! pure function of the validated manifest, so the same manifest always gives the
//! same bytes.

pub(crate) mod changelog;
pub(crate) mod governance;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod markdown;
pub(crate) mod payload_schema;
pub(crate) mod review;
pub(crate) mod words;

/// Renders `items` a chunk per core with `render`, and joins the chunks in the
/// items' order, so the text is the same to the byte as if each item had been
/// rendered in turn. A data dictionary's events take most of its rendering time
/// (5,000 events: about 60 ms on one core).
pub(crate) fn in_parallel<T: Sync>(items: &[T], render: impl Fn(&[T]) -> String + Sync) -> String {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < 64 {
        return render(items);
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let render = &render;
        let mut chunks = items.chunks(chunk);
        let first = chunks.next().unwrap_or_default();
        let handles: Vec<_> = chunks
            .map(|part| scope.spawn(move || render(part)))
            .collect();
        let mut text = render(first);
        for handle in handles {
            match handle.join() {
                Ok(part) => text.push_str(&part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        text
    })
}
