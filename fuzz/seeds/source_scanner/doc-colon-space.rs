/// Type: card
pub struct Paid {
    /// category: stored_content
    pub cents: u64,
    /// description: not a key
    pub refunded: bool,
}
