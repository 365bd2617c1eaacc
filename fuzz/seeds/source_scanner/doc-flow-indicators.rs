/// { type: bool, category: technical }
pub struct Flowing {
    /// [a, b], {c: d}
    pub pairs: u32,
    /// &anchor *alias !tag |literal >folded %directive @at `tick`
    pub marks: bool,
    /// 'single' and "double" quotes, and a \ backslash
    pub quoted: bool,
}

/// Which way it went: in, out
pub enum Way {
    In,
    Out,
    Yes,
    Null,
}

/// Went somewhere, somehow
pub struct Went {
    /// The way: in, or out
    pub way: Way,
    pub path: std::path::PathBuf,
}
