/// - first item
pub struct Listed {
    /// -- two dashes, then: more
    pub count: u32,
    /// ? a question mark
    pub asked: bool,
    /// --- a document marker
    pub marked: bool,
}
