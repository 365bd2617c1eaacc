#[doc = "Saved,\n  to disk: \"atomically\"\n\nNot part of the description."]
pub struct Saved {
    #[doc = "one\ntwo\tthree\r"]
    pub bytes: u64,
    #[doc = "a\u{2028}b\u{85}c\u{feff}d\u{7f}e\0f"]
    pub odd: bool,
    /// first line
    /// second line: joined
    pub joined: bool,
}
