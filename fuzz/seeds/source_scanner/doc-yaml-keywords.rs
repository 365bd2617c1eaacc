/// yes
pub struct Null {
    /// null
    pub no: bool,
    /// ~
    pub on: u32,
    /// true
    pub off: bool,
    /// 1e3
    pub y: u64,
    /// 0x10
    pub n: u8,
    /// .inf
    pub inf: bool,
}

/// no
pub struct Yes {
    /// NULL
    pub r#true: bool,
}
