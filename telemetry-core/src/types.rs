//! The privacy-safe value types: [`DurationBucket`], [`SizeBucket`], [`OsFamily`],
//! [`Arch`] and [`Version`].
//!
//! Each type coarsens in its constructor, so the precise value a program measured
//! never exists in a form that could be sent: a duration keeps whole milliseconds
//! and is sent only as its bucket's label, a version keeps `major.minor`, an OS or a
//! CPU is known only by its family. None of them exposes its raw value, and their
//! `Debug` output hides it too, so it cannot leak through a log line either.

use std::fmt;
use std::time::Duration;

use crate::value::{FieldMeta, PayloadValue, TelemetryValue, ValueKind};

/// The index of the bucket `value` falls in among ascending `bounds`: the number of
/// bounds less than or equal to the value, from `0` to `bounds.len()`.
fn bucket_index(value: u64, bounds: &[u64]) -> usize {
    bounds.iter().filter(|bound| **bound <= value).count()
}

/// The label of the bucket `value` falls in, or `Null` when the field's labels are
/// too few for its bounds (generated metadata always has one label more than bounds).
pub(crate) fn bucket_payload(value: u64, field: &FieldMeta) -> PayloadValue {
    match field.values.get(bucket_index(value, field.bounds)) {
        Some(label) => PayloadValue::Label(label),
        None => PayloadValue::Null,
    }
}

/// A duration that is sent only as the label of the bucket it falls in, such as
/// `"100ms-1s"`.
///
/// The constructors coarsen to whole milliseconds (rounding down): sub-millisecond
/// timing is a side channel that can reveal the size of the input or the state of
/// the machine. The kept value has no public accessor and `Debug` prints
/// `DurationBucket(..)`; the field's bucket bounds (milliseconds, from the manifest,
/// by default 100 ms, 1 s, 10 s, 1 min, 10 min and 1 h) decide what is sent.
///
/// ```
/// use std::time::Duration;
/// use telemetry_core::DurationBucket;
///
/// let took = DurationBucket::from_duration(Duration::from_micros(250_900));
/// assert_eq!(took, DurationBucket::from_millis(250)); // whole milliseconds
/// assert_eq!(took.bucket_index(&[100, 1_000]), 1);    // "100ms-1s"
/// assert_eq!(format!("{took:?}"), "DurationBucket(..)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DurationBucket {
    millis: u64,
}

impl DurationBucket {
    /// Keeps `duration` as whole milliseconds, rounded down; durations beyond
    /// `u64::MAX` milliseconds saturate.
    pub fn from_duration(duration: Duration) -> Self {
        DurationBucket {
            millis: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// A duration of `millis` milliseconds.
    pub const fn from_millis(millis: u64) -> Self {
        DurationBucket { millis }
    }

    /// The index of the bucket this duration falls in among `bounds` (ascending, in
    /// milliseconds): the number of bounds less than or equal to it, from `0` (below
    /// the first bound) to `bounds.len()` (at or above the last).
    pub fn bucket_index(&self, bounds: &[u64]) -> usize {
        bucket_index(self.millis, bounds)
    }
}

impl From<Duration> for DurationBucket {
    fn from(duration: Duration) -> Self {
        DurationBucket::from_duration(duration)
    }
}

impl fmt::Debug for DurationBucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DurationBucket(..)")
    }
}

impl TelemetryValue for DurationBucket {
    const KIND: ValueKind = ValueKind::DurationBucket;
    fn to_payload(&self, field: &FieldMeta) -> PayloadValue {
        bucket_payload(self.millis, field)
    }
}

/// A size in bytes that is sent only as the label of the bucket it falls in, such
/// as `"1MiB-100MiB"`.
///
/// An exact size can identify a file or a project as surely as its name; a bucket
/// says only its order of magnitude. The kept value has no public accessor and
/// `Debug` prints `SizeBucket(..)`; the field's bucket bounds (bytes, from the
/// manifest, by default 1 KiB, 1 MiB, 100 MiB and 1 GiB) decide what is sent.
///
/// ```
/// use telemetry_core::SizeBucket;
///
/// let size = SizeBucket::from_bytes(3 << 20);
/// assert_eq!(size.bucket_index(&[1 << 10, 1 << 20, 100 << 20]), 2); // "1MiB-100MiB"
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SizeBucket {
    bytes: u64,
}

impl SizeBucket {
    /// A size of `bytes` bytes.
    pub const fn from_bytes(bytes: u64) -> Self {
        SizeBucket { bytes }
    }

    /// The index of the bucket this size falls in among `bounds` (ascending, in
    /// bytes): the number of bounds less than or equal to it, from `0` (below the
    /// first bound) to `bounds.len()` (at or above the last).
    pub fn bucket_index(&self, bounds: &[u64]) -> usize {
        bucket_index(self.bytes, bounds)
    }
}

impl From<u64> for SizeBucket {
    fn from(bytes: u64) -> Self {
        SizeBucket::from_bytes(bytes)
    }
}

impl fmt::Debug for SizeBucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SizeBucket(..)")
    }
}

impl TelemetryValue for SizeBucket {
    const KIND: ValueKind = ValueKind::SizeBucket;
    fn to_payload(&self, field: &FieldMeta) -> PayloadValue {
        bucket_payload(self.bytes, field)
    }
}

/// The operating system family, never its version or distribution: a version
/// number and a distribution together narrow a machine down far more than a family.
///
/// Sent as `linux`, `macos`, `windows`, `bsd` or `other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OsFamily {
    /// Linux (`target_os = "linux"`); Android is `Other`.
    Linux,
    /// macOS.
    Macos,
    /// Windows.
    Windows,
    /// FreeBSD, NetBSD, OpenBSD or DragonFly BSD.
    Bsd,
    /// Any other operating system, rare enough to stand out if named.
    Other,
}

impl OsFamily {
    /// The family this program was compiled for (from `cfg!(target_os)`), so
    /// nothing is read from the running system.
    pub const fn current() -> Self {
        if cfg!(target_os = "linux") {
            OsFamily::Linux
        } else if cfg!(target_os = "macos") {
            OsFamily::Macos
        } else if cfg!(target_os = "windows") {
            OsFamily::Windows
        } else if cfg!(any(
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "dragonfly"
        )) {
            OsFamily::Bsd
        } else {
            OsFamily::Other
        }
    }

    /// The value sent, such as `linux`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OsFamily::Linux => "linux",
            OsFamily::Macos => "macos",
            OsFamily::Windows => "windows",
            OsFamily::Bsd => "bsd",
            OsFamily::Other => "other",
        }
    }
}

impl fmt::Display for OsFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TelemetryValue for OsFamily {
    const KIND: ValueKind = ValueKind::OsFamily;
    fn to_payload(&self, _field: &FieldMeta) -> PayloadValue {
        PayloadValue::Label(self.as_str())
    }
}

/// The CPU architecture family, never the CPU model or its features, which
/// fingerprint a machine.
///
/// Sent as `x86_64`, `aarch64`, `x86`, `arm`, `riscv64`, `wasm32` or `other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// 64-bit x86 (`x86_64`).
    X86_64,
    /// 64-bit ARM (`aarch64`).
    Aarch64,
    /// 32-bit x86.
    X86,
    /// 32-bit ARM.
    Arm,
    /// 64-bit RISC-V.
    Riscv64,
    /// 32-bit WebAssembly.
    Wasm32,
    /// Any other architecture, rare enough to stand out if named.
    Other,
}

impl Arch {
    /// The architecture this program was compiled for (from `cfg!(target_arch)`), so
    /// nothing is read from the running system.
    pub const fn current() -> Self {
        if cfg!(target_arch = "x86_64") {
            Arch::X86_64
        } else if cfg!(target_arch = "aarch64") {
            Arch::Aarch64
        } else if cfg!(target_arch = "x86") {
            Arch::X86
        } else if cfg!(target_arch = "arm") {
            Arch::Arm
        } else if cfg!(target_arch = "riscv64") {
            Arch::Riscv64
        } else if cfg!(target_arch = "wasm32") {
            Arch::Wasm32
        } else {
            Arch::Other
        }
    }

    /// The value sent, such as `x86_64`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
            Arch::X86 => "x86",
            Arch::Arm => "arm",
            Arch::Riscv64 => "riscv64",
            Arch::Wasm32 => "wasm32",
            Arch::Other => "other",
        }
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TelemetryValue for Arch {
    const KIND: ValueKind = ValueKind::Arch;
    fn to_payload(&self, _field: &FieldMeta) -> PayloadValue {
        PayloadValue::Label(self.as_str())
    }
}

/// A program version, kept as `major.minor` only.
///
/// The patch level, pre-release tag and build metadata are dropped on parsing: a
/// build tag can name a commit or a private fork, and a rare patch level narrows
/// down who runs it. Sent as the string `"1.2"`.
///
/// ```
/// use telemetry_core::Version;
///
/// assert_eq!(Version::parse("1.2.3-beta.1+sha.5114f85"), Some(Version::new(1, 2)));
/// assert_eq!(Version::parse("1"), Some(Version::new(1, 0)));
/// assert_eq!(Version::parse("v1.2"), None);
/// assert_eq!(Version::new(1, 2).to_string(), "1.2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    major: u32,
    minor: u32,
}

impl Version {
    /// The version `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Self {
        Version { major, minor }
    }

    /// Parses a version such as `1.2`, `1.2.3` or `1.2.3-beta.1+sha` into `1.2`,
    /// dropping the patch level, the pre-release tag (after `-`) and the build
    /// metadata (after `+`). Surrounding whitespace is ignored.
    ///
    /// A bare major version (`1`) reads as `1.0`, as a version of `1` means in
    /// practice. Returns `None` when the text is not numeric: a prefix (`v1.2`), an
    /// empty or non-digit component (`1..2`, `1.x`), or a major or minor version
    /// above `u32::MAX`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.split_once('+').map_or(text, |(core, _build)| core);
        let core = text.split_once('-').map_or(text, |(core, _pre)| core);
        let mut parts = core.split('.');
        let numeric = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let major = parts.next().filter(|part| numeric(part))?;
        let minor = match parts.next() {
            Some(part) if numeric(part) => part,
            Some(_) => return None,
            None => "0",
        };
        if !parts.all(numeric) {
            return None;
        }
        Some(Version {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }

    /// The major version.
    pub const fn major(&self) -> u32 {
        self.major
    }

    /// The minor version.
    pub const fn minor(&self) -> u32 {
        self.minor
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl TelemetryValue for Version {
    const KIND: ValueKind = ValueKind::Version;
    fn to_payload(&self, _field: &FieldMeta) -> PayloadValue {
        PayloadValue::Version {
            major: self.major,
            minor: self.minor,
        }
    }
}
