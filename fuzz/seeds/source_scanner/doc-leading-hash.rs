/// # Errors
pub struct Failed {
    /// #1 reason, or # the other
    pub code: u32,
    #[doc = "#"]
    pub fatal: bool,
}
